import { createRequire, Module } from 'node:module';

/**
 * projen's dependencies for project types this one is not (Java's XML, Python's TOML, Java
 * properties) and for running tasks (dax), all required when projen's index loads: about 200 files,
 * the largest part of projen's load time that renders nothing here.
 */
const DEFERRED = ['xmlbuilder2', '@iarna/toml', 'properties-file/editor', 'dax'];

/**
 * For the render worker, before projen loads: each deferred dependency gets a stand-in in the
 * require cache (where projen's `require` finds it), whose exports require the real module on
 * first use. Renders are identical; they only start sooner.
 */
export function deferUnusedProjenDependencies(): void {
  const requireFromProjen = createRequire(createRequire(import.meta.url).resolve('projen'));
  for (const specifier of DEFERRED) {
    const path = requireFromProjen.resolve(specifier);
    const standIn = new Module(path);
    standIn.filename = path;
    standIn.loaded = true;
    standIn.exports = forwardedOnFirstUse(() => {
      // The real module takes the stand-in's place, for every later require.
      delete requireFromProjen.cache[path];
      return requireFromProjen(specifier) as object;
    });
    requireFromProjen.cache[path] = standIn;
  }
}

/**
 * Exports that forward every access to the real module's. They claim `__esModule` so that
 * TypeScript's import helpers in projen take them as they are instead of copying (and so loading)
 * the real module's properties at require time.
 */
function forwardedOnFirstUse(load: () => object): object {
  let real: object | undefined;
  const target = () => (real ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => (key === '__esModule' ? true : Reflect.get(target(), key)),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}
