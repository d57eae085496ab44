import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPackedCli, type PackedCli } from './packed-cli.js';
import { commandLineOf, descendantsOf, isRunning, waitFor } from '../support/processes.js';

/**
 * Ctrl-C (SIGINT) or SIGTERM at any point of a real scaffold, run from the installed tarball as npx
 * runs it: the child stops, nothing is left beside the target or in the temp dir, the message
 * says so and the exit code is the signal's.
 */
let cli: PackedCli;
const work = mkdtempSync(join(tmpdir(), 'scaffold-interrupts-'));

beforeAll(() => {
  cli = installPackedCli();
});

afterAll(() => {
  cli?.remove();
  rmSync(work, { recursive: true, force: true });
});

/** A `git` that hangs in `commit` (a slow hook, a signing agent waiting) and passes everything else on. */
function slowGitDirectory(): { path: string; marker: string } {
  const path = mkdtempSync(join(work, 'slow-git-'));
  const marker = join(path, 'commit-started');
  const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(
    join(path, 'git'),
    `#!/bin/sh\nif [ "$1" = commit ]; then echo $$ > "${marker}"; sleep 600; fi\nexec "${realGit}" "$@"\n`,
  );
  chmodSync(join(path, 'git'), 0o755);
  return { path, marker };
}

interface Phase {
  /** Extra flags that get the run there sooner. */
  readonly args: readonly string[];
  /** Recognises the child of that phase among the CLI's descendants. */
  readonly child: (commandLine: string) => boolean;
  /** How long getting there may take (a first install downloads the generated project's dependencies). */
  readonly timeoutMs: number;
  readonly slowGit?: boolean;
}

const PHASES: Record<string, Phase> = {
  'the dependency install': { args: [], child: (line) => /^npm install\b/.test(line), timeoutMs: 120_000 },
  '`npx projen`': { args: [], child: (line) => /^npm exec projen\b/.test(line), timeoutMs: 900_000 },
  'the first commit': { args: ['--skip-install'], child: (line) => line.includes('slow-git-'), timeoutMs: 120_000, slowGit: true },
};

const CASES = Object.keys(PHASES).flatMap((phase) => [
  [phase, 'SIGINT', 130],
  [phase, 'SIGTERM', 143],
] as const);

test.each(CASES)('during %s, %s stops the child, removes everything and exits %i', async (phaseName, signal, exitCode) => {
  const phase = PHASES[phaseName]!;
  const cwd = mkdtempSync(join(work, 'cwd-'));
  const privateTmp = mkdtempSync(join(work, 'tmp-'));
  const slowGit = phase.slowGit ? slowGitDirectory() : undefined;
  const env = {
    ...process.env,
    CI: 'true',
    NODE_OPTIONS: '',
    TMPDIR: privateTmp,
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.com',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.com',
    ...(slowGit ? { PATH: `${slowGit.path}:${process.env.PATH}` } : {}),
  };
  const child = spawn(process.execPath, [cli.bin, 'orders-db', '--yes', '--package-source', `file:${cli.tarball}`, ...phase.args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const reached = await waitFor(
    `${phaseName} under process ${child.pid} (output so far:\n${output.slice(-2000)})`,
    () => {
      const found = descendantsOf(child.pid!).filter((pid) => phase.child(commandLineOf(pid)));
      return found.length > 0 ? found : undefined;
    },
    phase.timeoutMs,
  );
  const running = descendantsOf(child.pid!);

  if (slowGit && signal === 'SIGINT') {
    // One run per target: a second run into the same directory meanwhile is refused.
    const second = spawnSync(process.execPath, [cli.bin, 'orders-db', '--yes', '--skip-install'], { cwd, env, encoding: 'utf8' });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`Target directory "orders-db" is being written by another create-rds-iam-stack run (process ${child.pid}`);
  }

  child.kill(signal);
  expect(await exited).toBe(exitCode);
  expect(output).toContain('Interrupted: nothing was written.');
  expect(reached.length).toBeGreaterThan(0);
  for (const pid of running) expect({ pid, command: commandLineOf(pid), running: isRunning(pid) }).toMatchObject({ running: false });
  // No target, no staging directory beside it, no lock; no render directory in the temp dir.
  expect(readdirSync(cwd)).toEqual([]);
  // Node's compile cache (enableCompileCache) is meant to stay: it speeds up the next start.
  expect(readdirSync(privateTmp).filter((entry) => entry !== 'node-compile-cache')).toEqual([]);
});

describe('on a Node older than 22.18', () => {
  /** Node 20: Debian's /usr/bin/node when it is that old, else installed from the npm registry. */
  function oldNode(): string {
    const system = spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' });
    const [major, minor] = (system.stdout ?? '').replace(/^v/, '').split('.').map(Number);
    if (system.status === 0 && (major! < 22 || (major === 22 && minor! < 18))) return '/usr/bin/node';
    const prefix = mkdtempSync(join(work, 'node20-'));
    const installed = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', 'node@20'], { encoding: 'utf8' });
    if (installed.status !== 0) throw new Error(`This test needs Node 20: apt-get install nodejs (Debian 12), or npm install node@20.\n${installed.stderr}`);
    return join(prefix, 'node_modules/node/bin/node');
  }

  test.each([[['--version']], [['--help']], [['orders-db', '--yes']], [[]]])('`create-rds-iam-stack %j` prints one line naming both versions and exits 1', (args) => {
    const node = oldNode();
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
    const cwd = mkdtempSync(join(work, 'old-node-'));
    const result = spawnSync(node, [cli.bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `create-rds-iam-stack needs Node.js 22.18 or newer; this is Node.js ${version}. Install a current Node.js (https://nodejs.org) and run it again.\n`,
    );
    expect(readdirSync(cwd)).toEqual([]);
  });

  test('the library entry, as a generated .projenrc.ts imports it, stops with the same line', () => {
    const node = oldNode();
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
    // The install's root: `create-rds-iam-stack` resolves from there as from a generated project.
    const script = "import('create-rds-iam-stack').then(() => console.log('loaded'), (error) => console.log(error.message))";
    const result = spawnSync(node, ['-e', script], { cwd: join(cli.bin, '../../../../..'), encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(result.stdout).toBe(
      `create-rds-iam-stack needs Node.js 22.18 or newer; this is Node.js ${version}. Install a current Node.js (https://nodejs.org) and run it again.\n`,
    );
  });
});
