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
