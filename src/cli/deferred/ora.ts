/**
 * Stands in for `ora` inside @yeoman/adapter (see ../startup-hooks.ts). The adapter creates a
 * spinner with every environment but spins it only for its progress display, which this generator
 * never shows; loading ora sets up Intl.Segmenter (through string-width), one of the slowest steps
 * of the CLI's start-up. The stand-in's spinner loads ora and becomes the real one on first use.
 */
import { createdOnFirstUse, realModuleOf } from './real-module.js';

type Call = (...args: unknown[]) => unknown;
const real = realModuleOf<{ default: (options?: unknown) => object; oraPromise: Call }>(import.meta.url);

export default function ora(options?: unknown): object {
  return createdOnFirstUse(() => real().default(options));
}

export const oraPromise: Call = (...args) => real().oraPromise(...args);
