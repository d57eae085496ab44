import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

/** lodash-es pre-bundled into one module at build time (compile task); absent when run from src/. */
const LODASH_BUNDLE = new URL('../../vendor/lodash-es.js', import.meta.url).href;

/**
 * Modules Yeoman imports at start-up that a scaffold needs late or never, and their stand-ins
 * (./deferred/), which load the real module on first use: `fly-import` (npm's arborist and pacote,
 * for installing generators from npm, which this CLI never does) and `execa` (over 100 files, used
 * for the install and the first commit).
 */
const DEFERRED: Record<string, string> = { 'fly-import': './deferred/fly-import.js', 'execa': './deferred/execa.js' };
const YEOMAN = /\/node_modules\/(yeoman-environment|yeoman-generator)\//;

/**
 * The CLI's start-up time is mostly module loading. The resolve hook gives Yeoman a stand-in for
 * each deferred module and gives everyone lodash-es as one pre-bundled module instead of its 640
 * files. Nothing else changes: the same code runs, later or from fewer files.
 */
export function registerStartupHooks(): void {
  // From the TypeScript sources (tsx, in tests) the CLI runs unoptimised: tsx's require cannot load
  // the real execa synchronously, and there is no pre-bundled lodash-es.
  if (!import.meta.url.endsWith('.js')) return;
  const lodashBundled = existsSync(fileURLToPath(LODASH_BUNDLE));
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === 'lodash-es' && lodashBundled) return { url: LODASH_BUNDLE, format: 'module', shortCircuit: true };
      const resolved = nextResolve(specifier, context);
      const standIn = DEFERRED[specifier];
      if (!standIn || !YEOMAN.test(context.parentURL ?? '')) return resolved;
      // The stand-in loads the real module from where Yeoman would have found it.
      const url = `${new URL(standIn, import.meta.url).href}?real=${encodeURIComponent(resolved.url)}`;
      return { url, format: 'module', shortCircuit: true };
    },
  });
}
