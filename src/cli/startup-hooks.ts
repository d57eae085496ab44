import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

/** lodash-es pre-bundled into one module at build time (compile task); absent when run from src/. */
const LODASH_BUNDLE = new URL('../../vendor/lodash-es.js', import.meta.url).href;

interface Deferred {
  /** The stand-in in ./deferred/, which loads the real module on first use. */
  readonly standIn: string;
  /** Only imports from these packages get the stand-in. */
  readonly importers: RegExp;
}

/**
 * Modules Yeoman imports at start-up that a scaffold needs late or never:
 * - `fly-import` (npm's arborist and pacote): installs generators from npm, which this CLI never does;
 * - `execa` (over 100 files): runs the install and the first commit;
 * - `ora` (a spinner; sets up Intl.Segmenter at load): progress display, unused by this generator;
 * - `latest-version` (an HTTP client that sets up `fetch` at load): registry look-ups, never asked for;
 * - `globby` (fast-glob): the look-up of installed generators; this CLI registers its own directly;
 * - Inquirer (the adapter's prompt module and `@inquirer/prompts`): needed for the first question only;
 * - `diff` and `cli-table`: the conflicter's display of a conflict, impossible in an empty staging directory.
 */
const DEFERRED: Record<string, Deferred> = {
  'fly-import': { standIn: './deferred/fly-import.js', importers: /\/node_modules\/yeoman-environment\// },
  'execa': { standIn: './deferred/execa.js', importers: /\/node_modules\/(yeoman-environment|yeoman-generator)\// },
  'ora': { standIn: './deferred/ora.js', importers: /\/node_modules\/@yeoman\/adapter\// },
  'latest-version': { standIn: './deferred/latest-version.js', importers: /\/node_modules\/yeoman-generator\// },
  'globby': { standIn: './deferred/globby.js', importers: /\/node_modules\/yeoman-environment\// },
  './inquirer.js': { standIn: './deferred/prompt-module.js', importers: /\/node_modules\/@yeoman\/adapter\/dist\/adapter\.js$/ },
  '../inquirer.js': { standIn: './deferred/prompt-module.js', importers: /\/node_modules\/@yeoman\/adapter\/dist\/testing\/test-adapter\.js$/ },
  '@inquirer/core': { standIn: './deferred/inquirer-core.js', importers: /\/node_modules\/@yeoman\/adapter\/dist\/testing\// },
  '@inquirer/prompts': { standIn: './deferred/inquirer-prompts.js', importers: /\/node_modules\/@yeoman\/adapter\// },
  'diff': { standIn: './deferred/diff.js', importers: /\/node_modules\/@yeoman\/conflicter\// },
  'cli-table': { standIn: './deferred/cli-table.js', importers: /\/node_modules\/@yeoman\/conflicter\// },
};

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
      const deferred = DEFERRED[specifier];
      if (!deferred?.importers.test(context.parentURL ?? '')) return resolved;
      // The stand-in loads the real module from where Yeoman would have found it.
      const url = `${new URL(deferred.standIn, import.meta.url).href}?real=${encodeURIComponent(resolved.url)}`;
      return { url, format: 'module', shortCircuit: true };
    },
  });
}
