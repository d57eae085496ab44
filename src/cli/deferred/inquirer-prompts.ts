/**
 * Stands in for `@inquirer/prompts` inside @yeoman/adapter (see ../startup-hooks.ts and
 * ./prompt-module.ts), which imports it only for the separator of a choice list. The real module
 * loads with the first separator or question.
 */
import { realModuleOf } from './real-module.js';

interface SeparatorClass {
  new (separator?: string): object;
  isSeparator(choice: unknown): boolean;
}
const real = realModuleOf<{ Separator: SeparatorClass }>(import.meta.url);

/** Called with `new`: returns a real separator, which `new` then yields. */
export function Separator(separator?: string): object {
  return new (real().Separator)(separator);
}
Separator.isSeparator = (choice: unknown): boolean => real().Separator.isSeparator(choice);
