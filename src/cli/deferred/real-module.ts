import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * For a stand-in loaded through the start-up hooks (`<stand-in>?real=<url of the real module>`):
 * a function that loads the real module on its first call, synchronously (require of an ES module,
 * Node >= 22.12), so that stand-ins can keep the real module's synchronous API.
 */
export function realModuleOf<T>(standInUrl: string): () => T {
  const real = new URL(standInUrl).searchParams.get('real');
  let loaded: T | undefined;
  return () => {
    if (!real) throw new Error(`${standInUrl} was loaded without the CLI's start-up hooks`);
    return (loaded ??= createRequire(standInUrl)(fileURLToPath(real)) as T);
  };
}

/**
 * An object made by `create` on its first use, standing for it meanwhile: calls, property reads
 * and writes all reach the made object, and its methods run bound to it (objects that keep their
 * state in private fields need that).
 */
export function createdOnFirstUse<T extends object>(create: () => T): T {
  let created: T | undefined;
  const target = () => (created ??= create());
  // A function as the proxy's target, so that a made function can also be called.
  return new Proxy((() => undefined) as unknown as T, {
    apply: (_, thisArgument, args) => Reflect.apply(target() as (...args: unknown[]) => unknown, thisArgument, args),
    get: (_, key) => {
      const value: unknown = Reflect.get(target(), key);
      return typeof value === 'function' ? value.bind(target()) : value;
    },
    set: (_, key, value) => Reflect.set(target(), key, value),
    has: (_, key) => Reflect.has(target(), key),
  });
}
