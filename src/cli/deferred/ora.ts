/**
 * Stands in for `ora` inside @yeoman/adapter (see ../startup-hooks.ts). The adapter creates a
 * spinner with every environment but spins it only for its progress display, which this generator
 * never shows; loading ora sets up Intl.Segmenter (through string-width), one of the slowest steps
 * of the CLI's start-up. The stand-in's spinner loads ora and becomes the real one on first use.
 */
import { realModuleOf } from './real-module.js';

type Spinner = object;
const real = realModuleOf<{ default: (options?: unknown) => Spinner; oraPromise: (...args: unknown[]) => unknown }>(import.meta.url);

export default function ora(options?: unknown): Spinner {
  let spinner: Spinner | undefined;
  const target = () => (spinner ??= real().default(options));
  return new Proxy(
    {},
    {
      // Methods run on the real spinner: it keeps its state in private fields.
      get: (_, key) => {
        const value: unknown = Reflect.get(target(), key);
        return typeof value === 'function' ? value.bind(target()) : value;
      },
      set: (_, key, value) => Reflect.set(target(), key, value),
      has: (_, key) => Reflect.has(target(), key),
    },
  );
}

export function oraPromise(...args: unknown[]): unknown {
  return real().oraPromise(...args);
}
