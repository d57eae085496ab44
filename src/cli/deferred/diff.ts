/**
 * Stands in for `diff` inside @yeoman/conflicter (see ../startup-hooks.ts): the conflicter diffs a
 * file only when it would overwrite a different one, which never happens in the CLI's empty
 * staging directory. The real module (20 files) loads on the first diff.
 */
import { realModuleOf } from './real-module.js';

type Call = (...args: unknown[]) => unknown;
const real = realModuleOf<Record<'diffLines' | 'diffWords', Call>>(import.meta.url);

export const diffLines: Call = (...args) => real().diffLines(...args);
export const diffWords: Call = (...args) => real().diffWords(...args);
