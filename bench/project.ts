/**
 * The generated project's feedback loop next to projen's own CDK template, measured in one run on
 * one machine, rounds alternating so both see the same machine state:
 *   ours:   create-rds-iam-stack DIR --yes --no-git (with install), then `npx projen build`
 *   projen: projen new awscdk-app-ts --no-git (with install), then `npx projen build`
 * Both scaffolders run from one production install of this package's tarball (as bench:scaffold).
 * A build's steps are timed from projen's task log (`👾 task | command` starts a step, the next
 * one ends it). Prints medians per step, the ratios with their targets, and the load average.
 *
 * It also prints each build's CPU time (user + system, children included): on a busy machine a run
 * takes about its CPU time, whatever its parallelism gained on a quiet one.
 *
 *   npm run bench:project [-- --rounds N] [-- --busy P]
 * Defaults: 3 rounds, no added load. `--busy P` runs P processes that each keep a core busy for the
 * whole benchmark: a busy machine that is the same from one run to the next. Needs the npm registry.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backgroundLoadLabel, busyOption, finishedChildrenCpuSeconds, installPackedPackage, median, startBackgroundLoad } from './measure.js';

const { rounds, busy } = options();

/**
 * Our test task runs the tests' type-check, jest and the app's tests at once (`concurrently`, lines
 * prefixed `[types]`, `[infra]` and `[app]`): that step is timed as a whole, and each side from its
 * start to its `exited with code` line (the app's install included), overlapping it, not adding to it.
 */
const SIDE_BY_SIDE = 'types | jest | app tests';
const SIDES: Readonly<Record<string, string>> = { types: 'type-check tests', infra: 'jest', app: 'app tests' };
const SIDE_LINE = /^\[(\w+)\] (.*)$/;

/** Steps of a build, by the projen task and command that start them. */
const STEPS: readonly { name: string; matches: (task: string, command: string) => boolean }[] = [
  { name: 'installs', matches: (_task, command) => /^(npm|pnpm|yarn|bun) (install|ci)\b/.test(command) },
  { name: 'projen synth', matches: (task) => task === 'default' },
  { name: 'compile', matches: (task) => task === 'compile' },
  { name: 'cdk synth', matches: (task) => task.startsWith('synth') },
  { name: 'type-check tests', matches: (task, command) => task === 'test' && command.startsWith('tsc') },
  { name: 'jest', matches: (task, command) => task === 'test' && command.startsWith('jest') },
  { name: SIDE_BY_SIDE, matches: (task, command) => task === 'test' && command.startsWith('concurrently') },
  { name: 'eslint', matches: (task) => task === 'eslint' },
  { name: 'app tests', matches: (task, command) => task === 'test:app' && !/ install\b/.test(command) },
];
const OTHER = 'other';

/** `👾 build » test » eslint | eslint …`: the innermost task and its command. */
const TASK_LINE = /👾 (?:[\w:-]+ » )*([\w:-]+) \| (.*)$/;

/** `--rounds N` (a bare `N` too, as before), a positive integer; `--busy P`, 0 or more. */
function options(): { rounds: number; busy: number } {
  const { values, positionals } = parseArgs({ options: { rounds: { type: 'string' }, busy: { type: 'string' } }, allowPositionals: true });
  const given = values.rounds ?? positionals[0] ?? '3';
  const parsed = Number(given);
  if (!Number.isInteger(parsed) || parsed < 1) {
    console.error(`bench:project: --rounds must be a positive integer, got ${JSON.stringify(given)}`);
    process.exit(2);
  }
  return { rounds: parsed, busy: busyOption(values.busy, 'bench:project') };
}

interface Timed {
  readonly seconds: number;
  /** CPU seconds (user + system) of the command and everything it ran; undefined off Linux. */
  readonly cpuSeconds: number | undefined;
  /** Seconds per step name (a build's steps; empty for a scaffold). */
  readonly steps: Record<string, number>;
  /** 1-minute load average at the start and at the end. */
  readonly load: readonly [number, number];
}

/** Runs a command to completion, timing it and, from projen's task lines, each of its steps. */
function timed(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const loadBefore = loadavg()[0]!;
    const cpuBefore = finishedChildrenCpuSeconds();
    const start = performance.now();
    const steps: Record<string, number> = {};
    let current: { name: string; since: number } | undefined;
    const close = (now: number) => {
      if (current) steps[current.name] = (steps[current.name] ?? 0) + (now - current.since) / 1000;
    };
    let output = '';
    let pending = '';
    const onData = (chunk: Buffer) => {
      const now = performance.now();
      output += chunk;
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const side = SIDE_LINE.exec(line);
        if (side) {
          const name = SIDES[side[1]!];
          if (name && current?.name === SIDE_BY_SIDE && / exited with code \d+$/.test(side[2]!)) steps[name] = (now - current.since) / 1000;
          continue;
        }
        const match = TASK_LINE.exec(line);
        if (!match) continue;
        close(now);
        const [, task, cmd] = match as unknown as [string, string, string];
        current = { name: STEPS.find((step) => step.matches(task, cmd))?.name ?? OTHER, since: now };
      }
    };
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      const end = performance.now();
      close(end);
      const cpuAfter = finishedChildrenCpuSeconds();
      const cpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      if (code !== 0) {
        // The work directory goes with the run: keep the whole output for whoever reads the failure.
        const log = join(tmpdir(), `bench-project-failure-${Date.now()}.log`);
        writeFileSync(log, output);
        reject(new Error(`${command} ${args.join(' ')} in ${cwd} exited with ${code} (whole output: ${log}):\n${output.slice(-4000)}`));
      } else {
        resolve({ seconds: (end - start) / 1000, cpuSeconds, steps, load: [loadBefore, loadavg()[0]!] });
      }
    });
  });
}

const install = installPackedPackage();
const stopBackgroundLoad = startBackgroundLoad(busy);
// A developer's loop: CI unset, so projen and jest behave as on a workstation.
const env = { ...process.env };
delete env.CI;
const results: Record<'ours' | 'projen', { scaffold: Timed[]; build: Timed[] }> = {
  ours: { scaffold: [], build: [] },
  projen: { scaffold: [], build: [] },
};
try {
  for (let round = 0; round < rounds; round++) {
    const work = mkdtempSync(join(tmpdir(), 'bench-project-'));
    try {
      // Alternate which side goes first, so neither always runs on a warmer machine.
      const sides = round % 2 === 0 ? (['ours', 'projen'] as const) : (['projen', 'ours'] as const);
      for (const side of sides) {
        const dir = join(work, side);
        if (side === 'ours') {
          const args = [install.cli, dir, '--yes', '--no-git', '--package-source', `file:${install.tarball}`];
          results.ours.scaffold.push(await timed(process.execPath, args, work, env));
        } else {
          mkdirSync(dir);
          results.projen.scaffold.push(await timed(install.projen, ['new', 'awscdk-app-ts', '--no-git'], dir, env));
        }
        results[side].build.push(await timed('npx', ['projen', 'build'], dir, env));
        const last = results[side].build.at(-1)!;
        const steps = Object.entries(last.steps).map(([name, seconds]) => `${name} ${seconds.toFixed(1)}`).join(', ');
        console.log(`round ${round + 1} ${side}: scaffold ${results[side].scaffold.at(-1)!.seconds.toFixed(1)} s, build ${last.seconds.toFixed(1)} s (${steps}), build CPU ${cpu(last)}, load ${last.load.map((l) => l.toFixed(1)).join(' -> ')}`);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  stopBackgroundLoad();
  printTable();
} finally {
  stopBackgroundLoad();
  rmSync(install.dir, { recursive: true, force: true });
}

function printTable(): void {
  const stepMedian = (runs: Timed[], name: string) => median(runs.map((run) => run.steps[name] ?? 0));
  const row = (label: string, ours: number, projen: number, target?: number) => {
    const ratio = projen > 0 ? ours / projen : Number.NaN;
    const verdict = target === undefined ? '' : `  target <= ${target.toFixed(1)}x ${ratio <= target ? 'met' : 'MISSED'}`;
    console.log(`  ${label.padEnd(22)} ${ours.toFixed(1).padStart(8)} s ${projen.toFixed(1).padStart(8)} s ${Number.isNaN(ratio) ? '     -' : `${ratio.toFixed(2).padStart(5)}x`}${verdict}`);
  };
  console.log(`\nmedians of ${rounds} alternating rounds            ours     projen  ratio`);
  row('scaffold with install', median(results.ours.scaffold.map((r) => r.seconds)), median(results.projen.scaffold.map((r) => r.seconds)), 1.3);
  row('build', median(results.ours.build.map((r) => r.seconds)), median(results.projen.build.map((r) => r.seconds)), 1.5);
  for (const name of [...STEPS.map((step) => step.name), OTHER]) {
    row(`  ${name}`, stepMedian(results.ours.build, name), stepMedian(results.projen.build, name), name === 'jest' ? 2 : undefined);
  }
  const cpuMedian = (runs: Timed[]) => median(runs.map((run) => run.cpuSeconds ?? Number.NaN));
  row('build CPU (user + sys)', cpuMedian(results.ours.build), cpuMedian(results.projen.build));
  const loads = Object.values(results).flatMap((side) => [...side.scaffold, ...side.build]).flatMap((run) => run.load);
  console.log(`  1-minute load average during the runs: ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} on ${availableParallelism()} cores`);
  console.log(`  ${backgroundLoadLabel(busy)}`);
}

function cpu(run: Timed): string {
  return run.cpuSeconds === undefined ? 'n/a' : `${run.cpuSeconds.toFixed(1)} s`;
}
