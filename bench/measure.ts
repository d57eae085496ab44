/** What the benchmarks share: a production install of the packed package, runs and medians. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../src/package-info.js';

export function runOrThrow(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: 'pipe', encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface PackedInstall {
  /** The directory of the install (remove it when done). */
  readonly dir: string;
  /** The packed tarball, for a generated project's `--package-source file:...`. */
  readonly tarball: string;
  readonly cli: string;
  /** projen, installed as this package's peer dependency. */
  readonly projen: string;
}

/**
 * This package's tarball installed with production dependencies only: what `npx create-rds-iam-stack`
 * runs, not this checkout, whose development dependencies change how npm lays out node_modules.
 */
export function installPackedPackage(): PackedInstall {
  const dir = mkdtempSync(join(tmpdir(), 'bench-install-'));
  console.log(`installing the packed package (production dependencies) into ${dir} ...`);
  runOrThrow('npm', ['pack', '--silent', '--pack-destination', dir], PACKAGE_ROOT);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-install', private: true }));
  const tarball = join(dir, `create-rds-iam-stack-${PACKAGE_VERSION}.tgz`);
  runOrThrow('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], dir);
  return {
    dir,
    tarball,
    cli: join(dir, 'node_modules/create-rds-iam-stack/lib/cli/bin.js'),
    projen: join(dir, 'node_modules/.bin/projen'),
  };
}

/**
 * Keeps a core busy until the process whose pid is its argument is gone: a benchmark stopped by
 * Ctrl-C or killed runs no 'exit' handler, and its loops must not spin on without it.
 */
export const BUSY_LOOP =
  'const owner = Number(process.argv[1]); for (let i = 1; ; i++) if (i % 1e7 === 0) try { process.kill(owner, 0); } catch { process.exit(); }';

/** How a benchmark's table names its added load. */
export function backgroundLoadLabel(processes: number): string {
  return `added background load (--busy): ${processes === 0 ? 'none' : `${processes} process${processes === 1 ? '' : 'es'} keeping a core busy each`}`;
}

/**
 * `--busy N`: N processes that each keep a core busy for as long as the benchmark runs, so that a
 * "busy machine" is the same from one run to the next (another build on the machine is not). Stop
 * them with the returned function; they also end with the benchmark's process.
 */
export function startBackgroundLoad(processes: number): () => void {
  const children = Array.from({ length: processes }, () =>
    spawn(process.execPath, ['-e', BUSY_LOOP, String(process.pid)], { stdio: 'ignore' }),
  );
  const stop = () => children.forEach((child) => child.kill('SIGKILL'));
  process.once('exit', stop);
  return stop;
}

/** `--busy N`: a whole number of processes, 0 or more; an error naming the rule otherwise. */
export function parseBusy(given: string | undefined): number {
  const parsed = Number(given ?? '0');
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`--busy must be a whole number of processes (0 or more), got ${JSON.stringify(given)}`);
  }
  return parsed;
}

/** `parseBusy` for a benchmark's command line: a bad value ends the benchmark with status 2. */
export function busyOption(given: string | undefined, benchmark: string): number {
  try {
    return parseBusy(given);
  } catch (error) {
    console.error(`${benchmark}: ${(error as Error).message}`);
    process.exit(2);
  }
}

/**
 * CPU seconds (user + system) used so far by this process's finished children and their own
 * descendants, from /proc (Linux; undefined elsewhere). Taken around a child's run it is that run's
 * CPU time, which tells what a busy machine will do to it better than its wall time on a quiet one.
 */
export function finishedChildrenCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces, in parentheses): cutime and cstime are
    // fields 16 and 17, in clock ticks of 1/100 s (USER_HZ).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}
