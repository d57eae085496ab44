import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

/** lodash-es pre-bundled into one module at build time (`bundle:vendor`); absent when run from src/. */
const LODASH_BUNDLE = new URL('../../vendor/lodash-es.js', import.meta.url).href;

/**
 * Start-up time of the CLI is mostly module loading, and two of yeoman-environment's imports are
 * most of it: `fly-import` (npm's arborist and pacote, only needed to install generators from npm,
 * which this CLI never does) and `lodash-es`, whose index loads 640 modules for the 7 functions
 * yeoman-environment uses. The resolve hook points the first at a stand-in that loads it on first
 * use, and the second at the same lodash-es pre-bundled into a single module. Nothing else changes.
 */
export function registerStartupHooks(): void {
  const lodashBundled = existsSync(fileURLToPath(LODASH_BUNDLE));
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === 'lodash-es' && lodashBundled) return { url: LODASH_BUNDLE, format: 'module', shortCircuit: true };
      const resolved = nextResolve(specifier, context);
      if (specifier !== 'fly-import' || !context.parentURL?.includes('/yeoman-environment/')) return resolved;
      // The stand-in imports the real module from where yeoman-environment would have found it.
      const lazy = nextResolve('./lazy-fly-import.js', { ...context, parentURL: import.meta.url });
      return { ...lazy, url: `${lazy.url}?real=${encodeURIComponent(resolved.url)}`, shortCircuit: true };
    },
  });
}
