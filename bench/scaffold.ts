/**
 * Scaffold speed next to projen's own scaffolder, measured in one run on one machine:
 *   ours:   create-rds-iam-stack DIR --yes --skip-install --no-git
 *   projen: projen new awscdk-app-ts --no-post --no-git
 * Both run from one production install of this package's tarball (what `npx create-rds-iam-stack`
 * runs; projen comes along as its peer dependency), not from this checkout, whose development
 * dependencies change how npm lays out node_modules. Runs alternate so both see the same machine
 * state; prints medians and the ratio (target <= 1.0).
 *
 *   npm run bench:scaffold [-- RUNS]       (default 7; needs the npm registry for the install)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPackedPackage, median } from './measure.js';

const runs = Number(process.argv[2] ?? 7);

function timeCommand(command: string, args: string[], cwd: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return elapsed;
}

const { dir: install, cli, projen } = installPackedPackage();
try {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const work = mkdtempSync(join(tmpdir(), 'bench-scaffold-'));
    try {
      ours.push(timeCommand(process.execPath, [cli, join(work, 'ours'), '--yes', '--skip-install', '--no-git'], work));
      const projenDir = join(work, 'projen');
      mkdirSync(projenDir);
      theirs.push(timeCommand(projen, ['new', 'awscdk-app-ts', '--no-post', '--no-git'], projenDir));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  const format = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
  console.log(`scaffold wall time, ${runs} runs each, alternating (median | min | max)`);
  console.log(`  create-rds-iam-stack --yes --skip-install --no-git  ${format(median(ours))} | ${format(Math.min(...ours))} | ${format(Math.max(...ours))}`);
  console.log(`  projen new awscdk-app-ts --no-post --no-git         ${format(median(theirs))} | ${format(Math.min(...theirs))} | ${format(Math.max(...theirs))}`);
  console.log(`  ratio (ours / projen): ${(median(ours) / median(theirs)).toFixed(2)}  (target <= 1.00)`);
} finally {
  rmSync(install, { recursive: true, force: true });
}
