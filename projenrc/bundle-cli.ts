/**
 * Bundles the command line (src/cli/start.ts, the generator and Yeoman included) into one ESM file,
 * lib/cli/start.js, loaded by lib/cli/bin.js after its Node version check. What must stay a package
 * of its own is the runtime `dependencies` and peers of package.json (see .projenrc.ts): they are
 * imported, not bundled. Run by the compile task: `tsx projenrc/bundle-cli.ts`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

/**
 * Modules Yeoman imports that a scaffold never runs, left out of the bundle: each import gets a
 * module whose every use throws, naming the module and why it is absent. Matched by the importing
 * package, so that the same module imported by this package's own code is bundled as usual.
 */
const LEFT_OUT: readonly { module: string; importer: RegExp; exports: readonly string[]; reason: string }[] = [
  { module: 'fly-import', importer: /\/node_modules\/yeoman-environment\//, exports: ['FlyRepository', 'flyImport'], reason: 'installs generators from npm (npm arborist, pacote, node-gyp); this CLI runs only its own bundled generator' },
  { module: 'globby', importer: /\/node_modules\/yeoman-environment\//, exports: ['globbySync'], reason: 'looks up installed generators on disk; this CLI registers its own generator directly' },
  { module: 'latest-version', importer: /\/node_modules\/yeoman-generator\//, exports: ['default'], reason: "asks the npm registry for a package's latest version; the generator pins its versions" },
  { module: '@inquirer/external-editor', importer: /\/node_modules\/@inquirer\/editor\//, exports: ['editAsync'], reason: 'opens an editor for the editor prompt (with iconv-lite, a quarter of the bundle); no question asks for one' },
  { module: 'cli-table', importer: /\/node_modules\/@yeoman\/conflicter\//, exports: ['default'], reason: "Yeoman's conflict display for binary files; the CLI writes into an empty staging directory and shows conflicts itself" },
];

/**
 * Modules Yeoman imports at start-up that a scaffold seldom runs, loaded on first use instead of
 * when the bundle starts: each import gets a module that loads the real one (still bundled) when
 * an export is called. A `lazyResult` export is itself called at start-up: what it returns loads
 * the module when first used. A name the importer takes that is not listed fails the build.
 */
const DEFERRED: readonly { module: string; importer: RegExp; exports: readonly string[]; lazyResult?: readonly string[]; reason: string }[] = [
  { module: 'ora', importer: /\/node_modules\/@yeoman\/adapter\/dist\/queued-adapter\.js$/, exports: [], lazyResult: ['default'], reason: "every adapter makes a spinner (ora and its string-width take ~25 ms to load); it spins only for Yeoman's own install, which this generator replaces" },
  { module: 'execa', importer: /\/node_modules\/yeoman-environment\/dist\/(util\/util|package-manager)\.js$/, exports: ['execa', 'execaSync'], reason: 'runs npm for generator lookups and installs, which this CLI does not use' },
  { module: 'execa', importer: /\/node_modules\/yeoman-generator\/dist\/actions\/spawn-command\.js$/, exports: ['execa', 'execaSync', 'parseCommandString'], reason: "Yeoman's `spawn`; this generator runs its children itself (src/scaffold/child-process.ts)" },
];

/**
 * Build-time replacements in Yeoman's sources, where it reads its own package.json from beside its
 * module at run time (a path that does not exist once bundled). Each must match exactly once, so a
 * Yeoman release that changes them fails this build instead of the scaffold.
 */
const PATCHES: readonly { file: RegExp; from: string; to: (file: string) => string }[] = [
  {
    file: /\/node_modules\/yeoman-generator\/dist\/generator\.js$/,
    from: "JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))",
    to: (file) => JSON.stringify({ version: packageVersion(file) }),
  },
  {
    file: /\/node_modules\/yeoman-environment\/dist\/environment-base\.js$/,
    from: "require('../package.json').version",
    to: (file) => JSON.stringify(packageVersion(file)),
  },
  {
    file: /\/node_modules\/yeoman-environment\/dist\/module-lookup\.js$/,
    from: "JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString()).name",
    to: () => JSON.stringify('yeoman-environment'),
  },
];

/** The version of the package the patched file belongs to (its package.json is one level above dist/). */
function packageVersion(file: string): string {
  return (JSON.parse(readFileSync(join(dirname(file), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

const leaveOut: Plugin = {
  name: 'leave-out',
  setup(bundle) {
    const byModule = new Map(LEFT_OUT.map((entry) => [entry.module, entry]));
    bundle.onResolve({ filter: new RegExp(`^(${LEFT_OUT.map((entry) => entry.module).join('|')})$`) }, (args) => {
      const entry = byModule.get(args.path);
      if (!entry?.importer.test(args.importer)) return undefined;
      return { path: args.path, namespace: 'left-out', pluginData: entry };
    });
    bundle.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => {
      const { module, exports, reason } = args.pluginData as (typeof LEFT_OUT)[number];
      const message = JSON.stringify(`${module} is not part of the create-rds-iam-stack bundle: it ${reason}.`);
      // Each export throws when called; constructed (Yeoman makes its npm repository up front), it
      // gives an object whose every method throws when called. A name Yeoman imports that is not
      // listed fails the build (esbuild: no matching export).
      const contents = [
        `const absent = () => { throw new Error(${message}); };`,
        "const instance = () => new Proxy({}, { get: (_, key) => (typeof key === 'symbol' || key === 'then' ? undefined : absent) });",
        'const stand = new Proxy(function () {}, { apply: absent, construct: instance });',
        ...exports.map((name) => (name === 'default' ? 'export default stand;' : `export const ${name} = stand;`)),
      ].join('\n');
      return { contents, loader: 'js' };
    });
  },
};

const defer: Plugin = {
  name: 'defer',
  setup(bundle) {
    bundle.onResolve({ filter: new RegExp(`^(${[...new Set(DEFERRED.map((entry) => entry.module))].join('|')})$`) }, (args) => {
      // The deferring module's own import is the real module.
      if (args.namespace === 'deferred') return undefined;
      const entry = DEFERRED.find((candidate) => candidate.module === args.path && candidate.importer.test(args.importer));
      if (!entry) return undefined;
      return { path: `${args.path} for ${args.importer}`, namespace: 'deferred', pluginData: { entry, resolveDir: args.resolveDir } };
    });
    bundle.onLoad({ filter: /.*/, namespace: 'deferred' }, (args) => {
      const { entry, resolveDir } = args.pluginData as { entry: (typeof DEFERRED)[number]; resolveDir: string };
      const exported = (name: string, value: string) => (name === 'default' ? `export default ${value};` : `export const ${name} = ${value};`);
      const lazyResults = entry.lazyResult ?? [];
      const contents = [
        // A bundled ESM module that is `require`d is initialised on that call, not at start-up.
        `let real; const load = () => (real ??= require(${JSON.stringify(entry.module)}));`,
        ...entry.exports.map((name) => exported(name, `(...args) => load()[${JSON.stringify(name)}](...args)`)),
        ...(lazyResults.length === 0 ? [] : [
          // Methods run on the real object (which may keep private fields), not on the stand-in.
          'const made = (make) => { let value; const get = () => (value ??= make()); return new Proxy({}, {',
          "  get: (_, key) => { const member = Reflect.get(get(), key); return typeof member === 'function' ? member.bind(get()) : member; },",
          '  set: (_, key, member) => Reflect.set(get(), key, member),',
          '  has: (_, key) => Reflect.has(get(), key),',
          '}); };',
          ...lazyResults.map((name) => exported(name, `(...args) => made(() => load()[${JSON.stringify(name)}](...args))`)),
        ]),
      ].join('\n');
      return { contents, loader: 'js', resolveDir };
    });
  },
};

const patchYeoman: Plugin = {
  name: 'patch-yeoman',
  setup(bundle) {
    bundle.onLoad({ filter: /\/node_modules\/yeoman-(environment|generator)\/dist\/.*\.js$/ }, (args) => {
      const patches = PATCHES.filter((patch) => patch.file.test(args.path));
      if (patches.length === 0) return undefined;
      let contents = readFileSync(args.path, 'utf8');
      for (const patch of patches) {
        const found = contents.split(patch.from).length - 1;
        if (found !== 1) throw new Error(`${args.path}: expected "${patch.from}" once, found it ${found} times`);
        contents = contents.replace(patch.from, patch.to(args.path));
      }
      return { contents, loader: 'js' };
    });
  },
};

/**
 * The library (answers model, project type, package facts) is compiled to lib/src as its own entry,
 * which generated projects import: the CLI imports it from there too instead of bundling a second
 * copy, so that projen (imported only by the project type) loads when a render needs it.
 */
const LIBRARY = /^src\/(answers|project|costs)\/|^src\/package-info\.ts$/;

const useLibrary: Plugin = {
  name: 'use-library',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\.?\// }, (args) => {
      const source = relative(process.cwd(), resolve(args.resolveDir, args.path)).replace(/\.js$/, '.ts');
      if (!LIBRARY.test(source)) return undefined;
      return { path: `../${source.replace(/\.ts$/, '.js')}`, external: true };
    });
  },
};

const external = [...Object.keys(packageJson.peerDependencies ?? {}), ...Object.keys(packageJson.dependencies ?? {})];
const shared = { platform: 'node', format: 'esm', target: 'node22.18', logLevel: 'warning' } as const;

await build({
  ...shared,
  entryPoints: ['src/cli/start.ts'],
  outfile: 'lib/cli/start.js',
  bundle: true,
  external,
  plugins: [useLibrary, leaveOut, defer, patchYeoman],
  // CommonJS modules inside the bundle call `require` for Node's own modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'linked',
});
// The entry: the Node version check inlined, the bundle imported only after it (src/cli/bin.ts).
await build({ ...shared, entryPoints: ['src/cli/bin.ts'], outfile: 'lib/cli/bin.js', bundle: true, external: ['./start.js'] });
