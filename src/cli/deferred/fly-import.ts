/**
 * Stands in for `fly-import` inside yeoman-environment (see ../startup-hooks.ts). yeoman-environment
 * needs it only to install generators from npm on the fly, which this CLI never asks for; the real
 * module (npm's arborist and pacote) loads on first use instead of at start-up.
 */
import { realModuleOf } from './real-module.js';

interface RepositoryConfig {
  readonly repositoryPath: string;
}
interface Repository {
  install(spec: string | string[]): Promise<unknown>;
  import(spec: string): Promise<unknown>;
}
interface FlyImport {
  FlyRepository: new (config: RepositoryConfig) => Repository;
  flyImport(specifier: string, options?: RepositoryConfig): Promise<unknown>;
}

const real = realModuleOf<FlyImport>(import.meta.url);

/** yeoman-environment creates one with every environment; the real repository is made on first use. */
export class FlyRepository {
  readonly #config: RepositoryConfig;
  #repository?: Repository;

  constructor(config: RepositoryConfig) {
    this.#config = config;
  }

  get repositoryPath(): string {
    return this.#config.repositoryPath;
  }

  install(spec: string | string[]): Promise<unknown> {
    return this.#real().install(spec);
  }

  import(spec: string): Promise<unknown> {
    return this.#real().import(spec);
  }

  #real(): Repository {
    return (this.#repository ??= new (real().FlyRepository)(this.#config));
  }
}

export function flyImport(specifier: string, options?: RepositoryConfig): Promise<unknown> {
  return real().flyImport(specifier, options);
}
