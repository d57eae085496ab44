/**
 * Stands in for @yeoman/adapter's own `./inquirer.js` (see ../startup-hooks.ts), which creates an
 * Inquirer prompt module with every environment. Without a TTY, or with every answer given, this
 * CLI never asks a question; Inquirer and its prompts (about 40 files, with character-set
 * detection) now load on the first question instead.
 */
import { createdOnFirstUse, realModuleOf } from './real-module.js';

type PromptModule = (...args: unknown[]) => unknown;
const real = realModuleOf<{ createAdapterPromptModule: (parameter: unknown) => PromptModule }>(import.meta.url);

/** A prompt module that becomes the real one (created with the same parameter) on first use. */
export function createAdapterPromptModule(parameter: unknown): PromptModule {
  return createdOnFirstUse(() => real().createAdapterPromptModule(parameter));
}
