import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/package-info.js';

const TSX = join(PACKAGE_ROOT, 'node_modules/.bin/tsx');

/** Loads yeoman-environment in a fresh process, with or without the CLI's start-up hooks, and reports what loaded. */
function loadYeomanEnvironment(withHooks: boolean): { arborist: boolean; lazyStandIn: boolean; createEnv: string } {
  const script = `
    import { registerHooks } from 'node:module';
    import { registerStartupHooks } from './src/cli/startup-hooks.ts';
    const loaded = [];
    if (${withHooks}) registerStartupHooks();
    registerHooks({ load(url, context, nextLoad) { loaded.push(url); return nextLoad(url, context); } });
    const environment = await import('yeoman-environment');
    console.log(JSON.stringify({
      arborist: loaded.some((url) => url.includes('/@npmcli/arborist/')),
      lazyStandIn: loaded.some((url) => url.includes('/lazy-fly-import.')),
      createEnv: typeof environment.createEnv,
    }));
  `;
  const result = spawnSync(TSX, ['--input-type=module', '--eval', script], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

describe('start-up hooks', () => {
  test("without them, yeoman-environment loads npm's arborist at start-up", () => {
    expect(loadYeomanEnvironment(false)).toEqual({ arborist: true, lazyStandIn: false, createEnv: 'function' });
  });

  test('with them, fly-import is a stand-in and arborist stays unloaded; yeoman-environment works as before', () => {
    expect(loadYeomanEnvironment(true)).toEqual({ arborist: false, lazyStandIn: true, createEnv: 'function' });
  });
});
