import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../../src/package-info.js';

/** The compiled hooks (test:e2e compiles first): from the TypeScript sources they stay off. */
const HOOKS = pathToFileURL(join(PACKAGE_ROOT, 'lib/src/cli/startup-hooks.js')).href;

interface Loaded {
  /** npm's arborist (behind fly-import) and execa were loaded. */
  readonly arborist: boolean;
  readonly execa: boolean;
  /** Stand-ins from src/cli/deferred/ were loaded. */
  readonly standIns: boolean;
  readonly createEnv: string;
  /** What a generator's spawnSync (execa underneath) returned. */
  readonly execaOutput: string;
}

/** Loads Yeoman in a fresh process, with or without the CLI's start-up hooks; reports what loaded and runs a spawn. */
function loadYeoman(withHooks: boolean): Loaded {
  const script = `
    import { registerHooks } from 'node:module';
    import { registerStartupHooks } from '${HOOKS}';
    const loaded = [];
    if (${withHooks}) registerStartupHooks();
    registerHooks({ load(url, context, nextLoad) { loaded.push(url); return nextLoad(url, context); } });
    const environment = await import('yeoman-environment');
    const { default: Generator } = await import('yeoman-generator');
    const atStartUp = [...loaded];
    // A generator's spawn goes through execa: with the hooks, through the stand-in.
    class Probe extends Generator {}
    const probe = new Probe([], { env: environment.createEnv({ cwd: process.cwd() }), resolved: 'probe/index.js', namespace: 'probe:app' });
    const { stdout } = probe.spawnSync(process.execPath, ['-e', 'process.stdout.write("ran")'], { stdio: 'pipe' });
    console.log(JSON.stringify({
      arborist: atStartUp.some((url) => url.includes('/@npmcli/arborist/')),
      execa: atStartUp.some((url) => /\\/node_modules\\/execa\\//.test(url)),
      standIns: atStartUp.some((url) => url.includes('/cli/deferred/')),
      createEnv: typeof environment.createEnv,
      execaOutput: stdout,
    }));
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '--eval', script], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

describe('start-up hooks', () => {
  test("without them, Yeoman loads npm's arborist and execa at start-up", () => {
    expect(loadYeoman(false)).toEqual({ arborist: true, execa: true, standIns: false, createEnv: 'function', execaOutput: 'ran' });
  });

  test('with them, stand-ins load instead, and execa runs on first use exactly as before', () => {
    expect(loadYeoman(true)).toEqual({ arborist: false, execa: false, standIns: true, createEnv: 'function', execaOutput: 'ran' });
  });

  test('lodash-es comes from the pre-bundled module, with the same functions', () => {
    const script = `
      import { registerStartupHooks } from '${HOOKS}';
      registerStartupHooks();
      const lodash = await import('lodash-es');
      console.log(JSON.stringify({ url: import.meta.resolve('lodash-es'), pick: lodash.pick({ a: 1, b: 2 }, ['a']), all: Object.keys(lodash).length }));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '--eval', script], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
    const { url, pick, all } = JSON.parse(result.stdout) as { url: string; pick: unknown; all: number };
    expect(url).toMatch(/\/lib\/vendor\/lodash-es\.js$/);
    expect(pick).toEqual({ a: 1 });
    expect(all).toBeGreaterThan(300);
  });
});
