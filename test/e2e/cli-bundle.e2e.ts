import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPackedCli, type PackedCli } from './packed-cli.js';
import { PACKAGE_JSON } from '../../src/package-info.js';
import { TEMPLATE_SNAPSHOT_TASK } from '../../src/project/task-names.js';

/**
 * The package as npx installs it: the CLI is one bundle that imports only Node's modules, the
 * runtime dependencies and the compiled library entry; what it leaves out is not installed.
 */
let cli: PackedCli;
let packageDir: string;
const work = mkdtempSync(join(tmpdir(), 'cli-bundle-'));

beforeAll(() => {
  cli = installPackedCli();
  packageDir = join(cli.bin, '../../..');
});

afterAll(() => {
  cli?.remove();
  rmSync(work, { recursive: true, force: true });
});


/** Every package directory under node_modules (scoped ones as `@scope/name`), nested ones included. */
function installedPackages(nodeModules: string): string[] {
  return readdirSync(nodeModules, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory() || entry.name.startsWith('.')) return [];
    const names = entry.name.startsWith('@')
      ? readdirSync(join(nodeModules, entry.name)).map((name) => `${entry.name}/${name}`)
      : [entry.name];
    return names.flatMap((name) => {
      const nested = join(nodeModules, name, 'node_modules');
      return [name, ...(existsSync(nested) ? installedPackages(nested) : [])];
    });
  });
}

test('the bundle imports only Node modules, the runtime dependencies and the library entry', () => {
  const bundle = readFileSync(join(packageDir, 'lib/cli/start.js'), 'utf8');
  // Static (`import{a}from"x"`, `import*as a from"x"`) and dynamic (`import("x")`) imports of the minified bundle.
  const imports = bundle.matchAll(/\bimport\s*(?:[\w*{}\s,$]+?\s*from\s*"([^"]+)"|\(\s*"([^"]+)"\s*\))/g);
  const specifiers = new Set([...imports].map((match) => (match[1] ?? match[2])!));
  const allowed = new Set([
    ...builtinModules,
    ...builtinModules.map((name) => `node:${name}`),
    ...Object.keys(PACKAGE_JSON.dependencies ?? {}),
    ...Object.keys(PACKAGE_JSON.peerDependencies ?? {}),
  ]);
  const outside = [...specifiers].filter((specifier) => !allowed.has(specifier) && !specifier.startsWith('../src/'));
  expect(outside).toEqual([]);
  // projen is loaded by the project type on a render, not by every command.
  expect(specifiers).not.toContain('projen');
  // What a scaffold never runs is left out: a stand-in that says so takes its place.
  for (const leftOut of ['fly-import', 'globby', 'latest-version', '@inquirer/external-editor', 'cli-table']) {
    expect(bundle).toContain(`${leftOut} is not part of the create-rds-iam-stack bundle`);
  }
  // Each library import names a file the package ships.
  for (const specifier of specifiers) {
    if (specifier.startsWith('../src/')) expect(existsSync(join(packageDir, 'lib/cli', specifier))).toBe(true);
  }
});

test('Yeoman and what the bundle leaves out are not installed; the dependencies are', () => {
  const installed = installedPackages(join(cli.bin, '../../../..'));
  for (const bundled of ['yeoman-environment', 'yeoman-generator', 'fly-import', '@npmcli/arborist', 'pacote', 'node-gyp', 'inquirer', 'lodash-es', 'iconv-lite']) {
    expect(installed).not.toContain(bundled);
  }
  expect(installed).toEqual(expect.arrayContaining([...Object.keys(PACKAGE_JSON.dependencies ?? {}), 'projen', 'constructs']));
});

test('the package ships the bundle, the library entry and the owned-files entry, not the compiled CLI', () => {
  expect(existsSync(join(packageDir, 'lib/cli/bin.js'))).toBe(true);
  expect(existsSync(join(packageDir, 'lib/src/index.js'))).toBe(true);
  expect(existsSync(join(packageDir, 'lib/generators/app/owned-files.js'))).toBe(true);
  expect(existsSync(join(packageDir, 'lib/src/cli'))).toBe(false);
  expect(existsSync(join(packageDir, 'lib/generators/app/index.js'))).toBe(false);
});

/**
 * Reports on stderr every import of projen, the slowest package the CLI loads, and a load of
 * projen's index, which loads every project type projen has (the project type imports its parts).
 */
const WATCH_PROJEN =
  'data:text/javascript,import{registerHooks}from"node:module";registerHooks({' +
  'resolve(s,c,n){if(s==="projen"||s.startsWith("projen/"))process.stderr.write("projen loaded\\n");return n(s,c)},' +
  'load(u,c,n){if(u.endsWith("/node_modules/projen/lib/index.js"))process.stderr.write("projen index loaded\\n");return n(u,c)}})';

test('--version and --help answer from the bundle without loading projen; a scaffold loads it', () => {
  const env = { ...process.env, NODE_OPTIONS: '', CI: 'true' };
  const cliRun = (...args: string[]) => spawnSync(process.execPath, ['--import', WATCH_PROJEN, cli.bin, ...args], { encoding: 'utf8', env, cwd: join(packageDir, '../..') });
  const version = cliRun('--version');
  expect(version.stderr).toBe('');
  expect(version.stdout.trim()).toBe(PACKAGE_JSON.version);
  const help = cliRun('--help');
  expect(help.stderr).toBe('');
  expect(help.stdout).toContain('--skip-install');
  // The watch itself works: a dry run renders the managed files with projen.
  const dryRun = cliRun('orders-db', '--yes', '--dry-run');
  expect(dryRun.status).toBe(0);
  expect(dryRun.stderr).toContain('projen loaded');
  expect(dryRun.stderr).not.toContain('projen index loaded');
});

test('after the install the bundled generator runs its commands, the template snapshot included', () => {
  // npm and npx stand-ins that log their arguments: the commands, not a real install, are under test.
  const bin = join(work, 'logging-bin');
  const log = join(work, 'commands.log');
  mkdirSync(bin, { recursive: true });
  for (const command of ['npm', 'npx']) {
    writeFileSync(join(bin, command), `#!/bin/sh\necho "${command} $*" >> "$COMMAND_LOG"\n`);
    chmodSync(join(bin, command), 0o755);
  }
  const cwd = mkdtempSync(join(work, 'install-'));
  const env = { ...process.env, NODE_OPTIONS: '', CI: 'true', COMMAND_LOG: log, PATH: `${bin}:${process.env.PATH}` };
  const result = spawnSync(process.execPath, [cli.bin, 'orders-db', '--yes', '--no-git'], { cwd, env, encoding: 'utf8' });
  expect(result.stderr).not.toMatch(/not part of the create-rds-iam-stack bundle|Error/);
  expect(result.status).toBe(0);
  expect(readFileSync(log, 'utf8')).toContain(`npx projen ${TEMPLATE_SNAPSHOT_TASK}\n`);
});

test('the library entry imports as a generated .projenrc.ts imports it', () => {
  const script = "const m = await import('create-rds-iam-stack'); console.log(typeof m.RdsIamStackProject, typeof m.PACKAGE_VERSION);";
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(packageDir, '../..'), encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toBe('function string');
});

/**
 * Runs the installed CLI on a pseudo-terminal (util-linux `script`), so that it asks its questions,
 * and types `keys` every 300 ms from the first question on, until it exits.
 */
function onTerminal(args: readonly string[], keys: string): Promise<{ status: number | null; output: string; cwd: string }> {
  if (spawnSync('script', ['--version']).status !== 0) throw new Error('This test needs `script` for a pseudo-terminal: apt-get install util-linux');
  const cwd = mkdtempSync(join(work, 'terminal-'));
  const command = [process.execPath, cli.bin, ...args].map((part) => `'${part}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...process.env, NODE_OPTIONS: '', CI: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Only once the first question is on screen: keys typed while the CLI loads would be signals, not answers.
  const typing = setInterval(() => output.includes('? ') && child.stdin.write(keys), 300);
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearInterval(typing);
      resolve({ status, output: output.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, ''), cwd });
    });
  });
}

test('on a terminal the bundled prompts ask every question; Enter takes each default and the project is written', async () => {
  const { status, output, cwd } = await onTerminal(['orders-db', '--skip-install', '--no-git'], '\r');
  expect(status).toBe(0);
  expect(readdirSync(join(cwd, 'orders-db'))).toContain('.projenrc.ts');
  for (const question of ['? region', '? database name', '? database users', '? stages']) expect(output).toContain(question);
  expect(output).toContain('Created orders-db');
}, 120_000);

test('Ctrl-C at the first bundled prompt exits 130 and writes nothing', async () => {
  const { status, output, cwd } = await onTerminal(['orders-db', '--skip-install', '--no-git'], '\x03');
  expect(status).toBe(130);
  expect(output).toContain('Interrupted: nothing was written.');
  expect(readdirSync(cwd)).toEqual([]);
}, 120_000);
