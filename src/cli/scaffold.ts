import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { GeneratorFlags } from '../../generators/app/index.js';
import { PACKAGE_NAME, PACKAGE_ROOT } from '../package-info.js';
import type { CliArguments } from './args.js';
import { quietYeomanLog } from './yeoman-log.js';
import { asDiskFull } from '../scaffold/disk-full.js';
import type { Interruption } from '../scaffold/interruption.js';
import { lockTarget } from '../scaffold/lock.js';
import { detectPackageManager } from '../scaffold/package-manager.js';
import { assertEmptyTarget, planTarget, type TargetPlan } from '../scaffold/target.js';
import { compareTrees } from '../scaffold/tree.js';

const NAMESPACE = `${PACKAGE_NAME}:app`;

export interface ScaffoldIo {
  /** Whether questions may be asked (a TTY and no CI). */
  readonly interactive: boolean;
  readonly log: (line: string) => void;
  /** Stops children and prompts on SIGINT/SIGTERM; temporary paths registered with it go on exit. */
  readonly interruption: Interruption;
}

/**
 * Runs the generator into a staging directory and moves the result into the target only when
 * everything (answers, rendering, conflicts, install, first commit) succeeded. An error or an
 * interrupt leaves the target, and everything around it, as it was.
 *
 * The target is never replaced: an existing directory (the shell's cwd, an empty clone) is filled
 * in place, with the staging directory inside it so that the final moves are renames on one file
 * system (a mount point included). A new target is the staging directory renamed, made with the
 * user's umask; its missing parents are made only then.
 */
export async function scaffold(args: CliArguments, io: ScaffoldIo): Promise<void> {
  const shown = args.directory ?? '.';
  const plan = await planTarget(shown, resolve(shown));
  if (args.dryRun) {
    if (!args.force) await assertEmptyTarget(plan.directory, shown);
    return dryRun(args, io, plan);
  }
  // Locked before the target is looked into: another run's staging directory may be inside it.
  const removeLock = io.interruption.removeOnExit(await lockTarget(plan));
  try {
    if (!args.force) await assertEmptyTarget(plan.directory, shown);
    const staging = await makeStaging(plan);
    const removeStaging = io.interruption.removeOnExit(staging);
    try {
      // The staging directory's file system, named as the user knows it.
      const fileSystem = plan.exists ? plan.directory : plan.existingAncestor;
      const explain = async (error: unknown) => {
        throw (await asDiskFull(error, fileSystem)) ?? error;
      };
      await runGenerator(staging, plan, args, io).catch(explain);
      await moveInto(staging, plan).catch(explain);
    } finally {
      await removeStaging();
    }
  } finally {
    await removeLock();
  }
}

/** Renders into a scratch directory and lists what would happen to the target; writes nothing there. */
async function dryRun(args: CliArguments, io: ScaffoldIo, plan: TargetPlan): Promise<void> {
  const staging = await mkdtemp(join(tmpdir(), `${PACKAGE_NAME}-dry-run-`));
  const remove = io.interruption.removeOnExit(staging);
  try {
    await runGenerator(staging, plan, args, io);
    const where = relative(process.cwd(), plan.directory) || '.';
    const { created, identical, differing } = await compareTrees(staging, plan.directory);
    if (identical.length === 0 && differing.length === 0) {
      io.log(`Dry run: these files would be written to ${where}:`);
      for (const file of created) io.log(`  ${file}`);
      return;
    }
    const changeLabel = args.overwrite ? 'overwrite' : 'conflict ';
    io.log(
      `Dry run in ${where}: ${created.length} to create, ${differing.length} ${args.overwrite ? 'to overwrite (--overwrite)' : 'in conflict (differ from what would be written)'}, ${identical.length} unchanged:`,
    );
    for (const file of created) io.log(`  create    ${file}`);
    for (const file of differing) io.log(`  ${changeLabel} ${file}`);
  } finally {
    await remove();
  }
}

/**
 * Inside an existing target, else beside the new one (in its nearest existing parent); made with
 * the user's umask, unlike mkdtemp's 0700, because a new target is this directory renamed.
 */
async function makeStaging(plan: TargetPlan): Promise<string> {
  const suffix = randomBytes(4).toString('hex');
  const staging = plan.exists
    ? join(plan.directory, `.${PACKAGE_NAME}-staging-${suffix}`)
    : join(plan.existingAncestor, `.${relative(plan.existingAncestor, plan.directory).split(/[\\/]/)[0]}.${PACKAGE_NAME}-${suffix}`);
  await mkdir(staging);
  return staging;
}

async function runGenerator(staging: string, plan: TargetPlan, args: CliArguments, io: ScaffoldIo): Promise<void> {
  const packageManager = detectPackageManager(process.env.npm_config_user_agent);
  const [{ createEnv }, { default: RdsIamStackGenerator }] = await Promise.all([
    import('yeoman-environment'),
    import('../../generators/app/index.js'),
  ]);
  io.interruption.throwIfInterrupted();
  // The staging directory is ours alone: nothing in it can conflict (conflicts with the target are
  // the generator's `reconcile` step).
  const env = createEnv({ cwd: staging, logCwd: staging, force: true });
  quietYeomanLog(env.adapter.log, { fileStatus: !args.dryRun });
  const stopPrompts = () => (env.adapter as { abort?(reason: unknown): void }).abort?.(io.interruption.signal.reason);
  io.interruption.signal.addEventListener('abort', stopPrompts, { once: true });
  env.register(RdsIamStackGenerator, {
    namespace: NAMESPACE,
    resolved: join(PACKAGE_ROOT, 'lib/generators/app/index.js'),
    packagePath: PACKAGE_ROOT,
  });
  const options: GeneratorFlags & { nodePackageManager: string } = {
    ...args.answerOptions,
    installDependencies: !args.skipInstall && !args.dryRun,
    nodePackageManager: packageManager.command,
    interactive: io.interactive,
    yes: args.yes,
    answers: args.answersFile ? resolve(args.answersFile) : undefined,
    git: args.git && !args.dryRun,
    renderOnly: args.dryRun,
    packageSource: args.packageSource,
    displayDirectory: plan.directory,
    existingTarget: plan.exists ? plan.directory : undefined,
    overwrite: args.overwrite,
    interruption: io.interruption,
    // The CLI checked the target; staging is always empty.
    allowNonEmptyTarget: true,
  };
  try {
    await env.run([NAMESPACE], options);
  } finally {
    io.interruption.signal.removeEventListener('abort', stopPrompts);
  }
}

/** A new target is the staging directory renamed; an existing one receives its entries. */
async function moveInto(staging: string, plan: TargetPlan): Promise<void> {
  if (!plan.exists) {
    await mkdir(dirname(plan.directory), { recursive: true });
    await rename(staging, plan.directory);
    return;
  }
  // What is left of the staging directory (the directories merged into existing ones) goes in `scaffold`.
  await mergeInto(staging, plan.directory);
}

/**
 * Moves entry by entry. Every rendered file that differs from the target's was approved by the
 * `reconcile` step (or kept: then staging holds the target's own content).
 */
async function mergeInto(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const destination = join(to, entry.name);
    const present = await stat(destination).catch(() => undefined);
    if (entry.isDirectory() && present?.isDirectory()) {
      await mergeInto(source, destination);
    } else {
      if (present) await rm(destination, { recursive: true, force: true });
      await rename(source, destination);
    }
  }
}

