/**
 * Stands in for `cli-table` inside @yeoman/conflicter (see ../startup-hooks.ts): it draws the table
 * of a binary file conflict, which never happens in the CLI's empty staging directory. The real
 * module (and its colour library) loads with the first table.
 */
import { realModuleOf } from './real-module.js';

const real = realModuleOf<new (...args: unknown[]) => object>(import.meta.url);

/** Called with `new`: returns the real table, which `new` then yields. */
export default function Table(...args: unknown[]): object {
  const RealTable = real();
  return new RealTable(...args);
}
