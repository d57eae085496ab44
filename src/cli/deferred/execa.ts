/**
 * Stands in for `execa` inside yeoman-environment and yeoman-generator (see ../startup-hooks.ts):
 * they import it at start-up, but it runs only for the install and the first commit. The real
 * module (over 100 files) loads on the first call; calls behave exactly as execa's.
 */
import { realModuleOf } from './real-module.js';

type Call = (...args: unknown[]) => unknown;
const real = realModuleOf<Record<'execa' | 'execaSync' | 'parseCommandString', Call>>(import.meta.url);

export const execa: Call = (...args) => real().execa(...args);
export const execaSync: Call = (...args) => real().execaSync(...args);
export const parseCommandString: Call = (...args) => real().parseCommandString(...args);
