/**
 * Stands in for `fly-import` inside yeoman-environment (see startup-hooks.ts). yeoman-environment
 * needs it only to install generators from npm on the fly, which this CLI never asks for; the real
 * module (npm's arborist and pacote, a third of the CLI's start-up) loads on first use instead.
 */

interface RepositoryConfig {
  readonly repositoryPath: string;
}
interface Repository {
  install(spec: string | string[]): Promise<unknown>;
  import(spec: string): Promise<unknown>;
}
interface RealModule {
  FlyRepository: new (config: RepositoryConfig) => Repository;
  flyImport(specifier: string, options?: RepositoryConfig): Promise<unknown>;
}

/** The URL the real module resolved to for yeoman-environment, passed along by the resolve hook. */
const realUrl = new URL(import.meta.url).searchParams.get('real');
const loadReal = (): Promise<RealModule> => {
  if (!realUrl) return Promise.reject(new Error('lazy-fly-import was loaded without the resolve hook'));
  return import(realUrl) as Promise<RealModule>;
};

export class FlyRepository {
  readonly #config: RepositoryConfig;
  #real?: Promise<Repository>;

  constructor(config: RepositoryConfig) {
    this.#config = config;
  }

  get repositoryPath(): string {
    return this.#config.repositoryPath;
  }

  async install(spec: string | string[]): Promise<unknown> {
    return (await this.#repository()).install(spec);
  }

  async import(spec: string): Promise<unknown> {
    return (await this.#repository()).import(spec);
  }

  #repository(): Promise<Repository> {
    return (this.#real ??= loadReal().then((real) => new real.FlyRepository(this.#config)));
  }
}

export async function flyImport(specifier: string, options?: RepositoryConfig): Promise<unknown> {
  return (await loadReal()).flyImport(specifier, options);
}
