/**
 * Stands in for `@inquirer/core` inside @yeoman/adapter's test adapter (see ../startup-hooks.ts),
 * which the adapter package always loads but only tests use. The real module loads when a test
 * adapter defines its first prompt.
 */
import { realModuleOf } from './real-module.js';

type Call = (...args: unknown[]) => unknown;
const real = realModuleOf<Record<'createPrompt', Call>>(import.meta.url);

export const createPrompt: Call = (...args) => real().createPrompt(...args);
