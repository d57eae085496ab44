/**
 * Stands in for `globby` inside yeoman-environment (see ../startup-hooks.ts): the environment
 * globs only to look up installed generators, and this CLI registers its one generator directly.
 * The real module (fast-glob and its file walkers, about 80 files) loads on the first look-up.
 */
import { realModuleOf } from './real-module.js';

type Call = (...args: unknown[]) => unknown;
const real = realModuleOf<Record<'globbySync', Call>>(import.meta.url);

export const globbySync: Call = (...args) => real().globbySync(...args);
