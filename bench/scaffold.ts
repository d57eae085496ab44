/**
 * What `npx create-rds-iam-stack` costs next to projen alone, measured in one run on one machine:
 *   cold install: a production install of the packed tarball with a fresh npm cache (what npx does
 *                 on first use; projen comes along as the peer dependency), next to `projen` alone;
 *   install size: bytes on disk and packages of those two installs;
 *   scaffold:     create-rds-iam-stack DIR --yes --skip-install --no-git
 *                 next to projen new awscdk-app-ts --no-post --no-git, each from its install.
 * Runs alternate (and swap order) so both see the same machine state; prints medians, the ratios
 * against their targets and the load average, which says how busy the machine was.
 *
 *   npm run bench:scaffold [-- --runs N] [-- --tarball FILE] [-- --baseline FILE] [-- --busy P]
 * Defaults: 5 runs; the tarball packed from this checkout. `--tarball` measures another build
 * (an earlier version's tarball); `--baseline` adds an earlier build's scaffold to the same
 * alternating runs, for a before/after comparison on the same machine state. `--busy P` runs P
 * processes that each keep a core busy throughout: a busy machine that is the same from one run to
 * the next. Needs the npm registry.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { backgroundLoadLabel, busyOption, median, runOrThrow, startBackgroundLoad } from './measure.js';
import { PACKAGE_JSON, PACKAGE_NAME, PACKAGE_ROOT } from '../src/package-info.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, tarball: { type: 'string' }, baseline: { type: 'string' }, busy: { type: 'string' } } });
const runs = Number(values.runs);
const busy = busyOption(values.busy, 'bench:scaffold');
const PROJEN_SPEC = `projen@${PACKAGE_JSON.peerDependencies?.projen ?? 'latest'}`;

const work = mkdtempSync(join(tmpdir(), 'bench-scaffold-'));

function timed(command: string, args: string[], cwd: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return elapsed;
}

/** Installs `spec` into a new directory with an empty npm cache, as npx does on first use; returns the directory and the time. */
function coldInstall(name: string, spec: string): { dir: string; ms: number } {
  const dir = mkdtempSync(join(work, `${name}-`));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `bench-${name}`, private: true }));
  const cache = join(dir, '.npm-cache');
  const ms = timed('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', '--cache', cache, spec], dir);
  rmSync(cache, { recursive: true, force: true });
  return { dir, ms };
}

/** Bytes on disk and installed packages (every node_modules entry, nested ones included) of an install. */
function installFootprint(dir: string): { mib: number; packages: number } {
  const kib = Number(spawnSync('du', ['-sk', join(dir, 'node_modules')], { encoding: 'utf8' }).stdout.split('\t')[0]);
  const listed = spawnSync('npm', ['ls', '--all', '--parseable'], { cwd: dir, encoding: 'utf8' }).stdout.trim().split('\n');
  return { mib: kib / 1024, packages: listed.length - 1 };
}

/** Alternates measurements `runs` times, reversing their order every other run; returns their series in order. */
function alternate<Measurements extends (() => number)[]>(...measurements: Measurements): { [K in keyof Measurements]: number[] } {
  const series = measurements.map(() => [] as number[]);
  const order = measurements.map((_, index) => index);
  for (let i = 0; i < runs; i++) {
    for (const index of i % 2 === 0 ? order : [...order].reverse()) series[index]!.push(measurements[index]!());
  }
  return series as { [K in keyof Measurements]: number[] };
}

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
const format = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
const row = (label: string, series: number[]) =>
  `  ${label.padEnd(52)} ${format(median(series))} | ${format(Math.min(...series))} | ${format(Math.max(...series))}`;

const stopBackgroundLoad = startBackgroundLoad(busy);
try {
  let tarball = values.tarball;
  if (!tarball) {
    runOrThrow('npm', ['pack', '--silent', '--pack-destination', work], PACKAGE_ROOT);
    tarball = join(work, `${PACKAGE_NAME}-${PACKAGE_JSON.version}.tgz`);
  }
  console.log(`${basename(tarball)} next to ${PROJEN_SPEC}, ${runs} runs each, alternating; load average (1, 5, 15 min) ${load()}`);
  if (values.baseline) console.log(`baseline build for the scaffold: ${values.baseline}`);
  if (busy > 0) console.log(backgroundLoadLabel(busy));

  const installs = { ours: '', theirs: '' };
  const [installOurs, installTheirs] = alternate(
    () => {
      rmSync(installs.ours || join(work, 'none'), { recursive: true, force: true });
      const { dir, ms } = coldInstall('ours', tarball);
      installs.ours = dir;
      return ms;
    },
    () => {
      rmSync(installs.theirs || join(work, 'none'), { recursive: true, force: true });
      const { dir, ms } = coldInstall('projen', PROJEN_SPEC);
      installs.theirs = dir;
      return ms;
    },
  );
  console.log(`cold install, fresh npm cache (median | min | max); load ${load()}`);
  console.log(row(`npm install ${basename(tarball)}`, installOurs));
  console.log(row(`npm install ${PROJEN_SPEC}`, installTheirs));
  console.log(`  ratio: ${(median(installOurs) / median(installTheirs)).toFixed(2)}  (target <= 1.50)`);

  const [ours, theirs] = [installFootprint(installs.ours), installFootprint(installs.theirs)];
  console.log('installed size');
  console.log(`  ${PACKAGE_NAME.padEnd(24)} ${ours.mib.toFixed(1).padStart(7)} MiB  ${String(ours.packages).padStart(4)} packages`);
  console.log(`  ${'projen alone'.padEnd(24)} ${theirs.mib.toFixed(1).padStart(7)} MiB  ${String(theirs.packages).padStart(4)} packages`);
  console.log(`  ratio: ${(ours.mib / theirs.mib).toFixed(2)} in size, ${(ours.packages / theirs.packages).toFixed(2)} in packages`);

  const projen = join(installs.theirs, 'node_modules/.bin/projen');
  let run = 0;
  /** Scaffolds with the CLI installed in `install`, in a fresh directory. */
  const scaffoldWith = (install: string) => () => {
    const packageDir = join(install, 'node_modules', PACKAGE_NAME);
    const bin = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin[PACKAGE_NAME]!;
    const cwd = join(work, `scaffold-${run++}`);
    mkdirSync(cwd);
    try {
      return timed(process.execPath, [join(packageDir, bin), 'ours', '--yes', '--skip-install', '--no-git'], cwd);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  };
  const baseline = values.baseline ? coldInstall('baseline', values.baseline).dir : undefined;
  const [scaffoldOurs, scaffoldTheirs, scaffoldBaseline] = alternate(
    scaffoldWith(installs.ours),
    () => {
      const cwd = join(work, `projen-new-${run++}`);
      mkdirSync(cwd);
      try {
        return timed(projen, ['new', 'awscdk-app-ts', '--no-post', '--no-git'], cwd);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    },
    ...(baseline ? [scaffoldWith(baseline)] : []),
  );
  console.log(`scaffold wall time (median | min | max); load ${load()}`);
  console.log(row('create-rds-iam-stack --yes --skip-install --no-git', scaffoldOurs));
  if (scaffoldBaseline) console.log(row('  the same, baseline build (--baseline)', scaffoldBaseline));
  console.log(row('projen new awscdk-app-ts --no-post --no-git', scaffoldTheirs));
  console.log(`  ratio: ${(median(scaffoldOurs) / median(scaffoldTheirs)).toFixed(2)}  (target <= 1.00)`);
  if (scaffoldBaseline) console.log(`  ratio of the baseline build: ${(median(scaffoldBaseline) / median(scaffoldTheirs)).toFixed(2)}`);
} finally {
  stopBackgroundLoad();
  rmSync(work, { recursive: true, force: true });
}
