import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/package-info.js';

const CLI = join(PACKAGE_ROOT, 'src/cli/bin.ts');
const TSX = join(PACKAGE_ROOT, 'node_modules/.bin/tsx');

const scratchDirectories: string[] = [];

/** A fresh directory in the temp dir, removed after the test file's tests. */
export function scratchDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'cli-'));
  scratchDirectories.push(directory);
  return directory;
}

afterAll(() => {
  for (const directory of scratchDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

export interface CliRun {
  readonly cwd: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real command line (from the sources) in a fresh working directory, without a TTY, as CI
 * would. `umask` runs it under that file-mode mask (through a shell).
 */
export function cli(args: string[], options: { cwd?: string; env?: Record<string, string>; umask?: string } = {}): CliRun {
  const cwd = options.cwd ?? scratchDir();
  const [command, commandArgs] = options.umask
    ? ['sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, TSX, CLI, ...args]]
    : [TSX, [CLI, ...args]];
  const result = spawnSync(command, commandArgs as string[], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', NODE_OPTIONS: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return { cwd, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** Flags for a quick run: defaults, no install, no git. */
export const QUICK = ['--yes', '--skip-install', '--no-git'];
