/** What the benchmarks share: a production install of the packed package, runs and medians. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
