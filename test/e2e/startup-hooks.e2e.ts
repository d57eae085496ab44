import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../../src/package-info.js';

/** The compiled hooks (test:e2e compiles first): from the TypeScript sources they stay off. */
const HOOKS = pathToFileURL(join(PACKAGE_ROOT, 'lib/src/cli/startup-hooks.js')).href;
const DEFERRED_PROJEN_DEPENDENCIES = pathToFileURL(join(PACKAGE_ROOT, 'lib/src/project/deferred-projen-dependencies.js')).href;
const RENDERER = pathToFileURL(join(PACKAGE_ROOT, 'lib/src/project/render-managed-files.js')).href;
const ANSWERS = pathToFileURL(join(PACKAGE_ROOT, 'lib/src/answers/index.js')).href;

/** The packages each stand-in defers, by the path of one of their files. */
const DEFERRED_PACKAGES = {
  arborist: '/@npmcli/arborist/',
  execa: '/node_modules/execa/',
  ora: '/node_modules/ora/',
  ky: '/node_modules/ky/',
  inquirer: '/node_modules/inquirer/',
  inquirerCore: '/node_modules/@inquirer/core/',
  diff: '/node_modules/diff/',
  cliTable: '/node_modules/cli-table/',
  globby: '/node_modules/globby/',
};
type Package = keyof typeof DEFERRED_PACKAGES;

interface Loaded {
  /** Which deferred packages loaded with Yeoman. */
  readonly atStartUp: Record<Package, boolean>;
  /** Stand-ins from src/cli/deferred/ were loaded. */
  readonly standIns: boolean;
  /** What a generator's spawnSync (execa underneath) returned. */
  readonly execaOutput: string;
  /** The adapter's separator, its answers to questions that are not asked, and a progress display. */
  readonly separator: string;
  readonly answers: unknown;
  readonly progress: string;
  /** Which deferred packages had loaded once all of that had run. */
  readonly atEnd: Record<Package, boolean>;
}

function runScript(script: string): string {
  const result = spawnSync(process.execPath, ['--input-type=module', '--eval', script], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim().split('\n').at(-1)!;
}

/** Loads Yeoman in a fresh process, with or without the CLI's start-up hooks, then uses what the stand-ins defer. */
function loadYeoman(withHooks: boolean): Loaded {
  const script = `
    import { registerHooks } from 'node:module';
    import { registerStartupHooks } from '${HOOKS}';
    const loaded = [];
    if (${withHooks}) registerStartupHooks();
    registerHooks({ load(url, context, nextLoad) { loaded.push(url); return nextLoad(url, context); } });
    const packages = ${JSON.stringify(DEFERRED_PACKAGES)};
    // A stand-in's URL names its real module in an encoded query: only the real module's own URL counts.
    const which = () => Object.fromEntries(Object.entries(packages).map(([name, path]) => [name, loaded.some((url) => url.includes(path))]));
    const environment = await import('yeoman-environment');
    const { default: Generator } = await import('yeoman-generator');
    const env = environment.createEnv({ cwd: process.cwd() });
    const atStartUp = which();
    const standIns = loaded.some((url) => url.includes('/cli/deferred/'));
    // A generator's spawn goes through execa: with the hooks, through the stand-in.
    class Probe extends Generator {}
    const probe = new Probe([], { env, resolved: 'probe/index.js', namespace: 'probe:app' });
    const { stdout } = probe.spawnSync(process.execPath, ['-e', 'process.stdout.write("ran")'], { stdio: 'pipe' });
    // Inquirer: a separator and a prompt whose questions are all skipped.
    const separator = env.adapter.separator('--');
    const answers = await env.adapter.prompt([{ type: 'input', name: 'skipped', when: () => false }], { given: 1 });
    // ora: the progress display spins the adapter's spinner.
    const progress = await env.adapter.progress(async () => 'done', { name: 'probe' });
    console.log(JSON.stringify({
      atStartUp, standIns, execaOutput: stdout,
      separator: separator.constructor.name + ':' + separator.separator, answers, progress, atEnd: which(),
    }));
  `;
  return JSON.parse(runScript(script)) as Loaded;
}

const all = (value: boolean) => Object.fromEntries(Object.keys(DEFERRED_PACKAGES).map((name) => [name, value]));

describe('start-up hooks', () => {
  const used = { execaOutput: 'ran', separator: 'Separator:--', answers: { given: 1 }, progress: 'done' };

  test('without them, Yeoman loads every deferred package at start-up', () => {
    expect(loadYeoman(false)).toEqual({ atStartUp: all(true), standIns: false, ...used, atEnd: all(true) });
  });

  test('with them, stand-ins load instead, and each real package loads on first use and works as before', () => {
    const loaded = loadYeoman(true);
    expect(loaded).toEqual({
      atStartUp: all(false),
      standIns: true,
      ...used,
      // Used above: execa, Inquirer and ora. Not used: a diff or a table of a conflict, a registry look-up.
      atEnd: { ...all(false), execa: true, inquirer: true, inquirerCore: true, ora: true },
    });
  });

  test('the stand-ins for what a scaffold never uses forward to the real modules', () => {
    // What the real modules return, next to what their stand-ins return (loaded as the hooks load them).
    const script = `
      import { createRequire } from 'node:module';
      import { pathToFileURL } from 'node:url';
      const standIn = (name, importer, specifier) => {
        const real = createRequire('${PACKAGE_ROOT}/node_modules/' + importer + '/package.json').resolve(specifier);
        return import('${PACKAGE_ROOT}/lib/src/cli/deferred/' + name + '.js?real=' + encodeURIComponent(pathToFileURL(real).href));
      };
      const diff = await standIn('diff', '@yeoman/conflicter', 'diff');
      const { default: Table } = await standIn('cli-table', '@yeoman/conflicter', 'cli-table');
      const globby = await standIn('globby', 'yeoman-environment', 'globby');
      const { default: latestVersion } = await standIn('latest-version', 'yeoman-generator', 'latest-version');
      const table = new Table({ head: ['file'] });
      table.push(['a.txt']);
      console.log(JSON.stringify({
        lines: diff.diffLines('a\\nb\\n', 'a\\nc\\n').map((part) => [part.added ?? false, part.removed ?? false, part.value]),
        words: diff.diffWords('one two', 'one three').length,
        table: table.toString().includes('a.txt'),
        globbed: globby.globbySync('lib/src/cli/deferred/glob*.js', { cwd: '${PACKAGE_ROOT}' }),
        latestVersion: typeof latestVersion,
      }));
    `;
    expect(JSON.parse(runScript(script))).toEqual({
      lines: [[false, false, 'a\n'], [false, true, 'b\n'], [true, false, 'c\n']],
      words: 3,
      table: true,
      globbed: ['lib/src/cli/deferred/globby.js'],
      latestVersion: 'function',
    });
  });

  test('lodash-es comes from the pre-bundled module, with the same functions', () => {
    const script = `
      import { registerStartupHooks } from '${HOOKS}';
      registerStartupHooks();
      const lodash = await import('lodash-es');
      console.log(JSON.stringify({ url: import.meta.resolve('lodash-es'), pick: lodash.pick({ a: 1, b: 2 }, ['a']), all: Object.keys(lodash).length }));
    `;
    const { url, pick, all: functions } = JSON.parse(runScript(script)) as { url: string; pick: unknown; all: number };
    expect(url).toMatch(/\/lib\/vendor\/lodash-es\.js$/);
    expect(pick).toEqual({ a: 1 });
    expect(functions).toBeGreaterThan(300);
  });
});

describe("the render worker's deferred projen dependencies", () => {
  const work = mkdtempSync(join(tmpdir(), 'deferred-projen-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /**
   * Loads projen, renders the managed files, then a TOML and an XML file (which need two of the
   * deferred modules); counts the files of the deferred packages in the require cache after each step.
   */
  function render(deferred: boolean): { withProjen: number; atEnd: number; files: Record<string, string> } {
    const outdir = join(work, deferred ? 'deferred' : 'eager');
    const script = `
      import { createRequire } from 'node:module';
      import { deferUnusedProjenDependencies } from '${DEFERRED_PROJEN_DEPENDENCIES}';
      if (${deferred}) deferUnusedProjenDependencies();
      const { cache } = createRequire(import.meta.url);
      const deferredFiles = () => Object.keys(cache).filter((path) => /\\/node_modules\\/(xmlbuilder2|@oozcitak|@iarna\\/toml|properties-file|dax)\\//.test(path)).length;
      const projen = await import('projen');
      const withProjen = deferredFiles();
      const { renderManagedFiles } = await import('${RENDERER}');
      const { completeWithoutPrompts } = await import('${ANSWERS}');
      const answers = completeWithoutPrompts({ name: 'orders', region: 'eu-west-1', azCount: 3 }, { yes: true });
      await renderManagedFiles({ ...answers, outdir: ${JSON.stringify(join(outdir, 'managed'))} });
      const project = new projen.Project({ name: 'formats', outdir: ${JSON.stringify(join(outdir, 'formats'))} });
      new projen.TomlFile(project, 'settings.toml', { obj: { tool: { name: 'orders', ports: [3306, 443] } } });
      new projen.XmlFile(project, 'settings.xml', { obj: { settings: { '@version': '1', name: 'orders' } } });
      project.synth();
      console.log(JSON.stringify({ withProjen, atEnd: deferredFiles() }));
    `;
    const counts = JSON.parse(runScript(script)) as { withProjen: number; atEnd: number };
    return { ...counts, files: readTree(outdir) };
  }

  test('projen loads without them, and a render is byte for byte the same', () => {
    const eager = render(false);
    const deferred = render(true);
    // One stand-in per dependency instead of about 200 files.
    expect(deferred.withProjen).toBe(4);
    expect(eager.withProjen).toBeGreaterThan(100);
    // TOML and XML files load the real modules through the stand-ins and come out the same.
    expect(deferred.atEnd).toBeGreaterThan(100);
    expect(Object.keys(deferred.files)).toEqual(expect.arrayContaining(['managed/package.json', 'formats/settings.toml', 'formats/settings.xml']));
    expect(deferred.files['formats/settings.toml']).toContain('ports = [ 3_306, 443 ]');
    expect(deferred.files).toEqual(eager.files);
  });
});

function readTree(root: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort()
      .map((path) => [relative(root, path), readFileSync(path, 'utf8')]),
  );
}
