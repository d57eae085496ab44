import { copyFile, mkdir, mkdtemp, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { GeneratorFlags } from '../../generators/app/index.js';
import { PACKAGE_NAME, PACKAGE_ROOT } from '../package-info.js';
import type { CliArguments } from './args.js';
import { prerenderManagedFiles } from './prerender.js';
import type { Prerendered } from '../project/render-managed-files.js';
import { detectPackageManager, type PackageManager } from '../scaffold/package-manager.js';
import { assertEmptyTarget } from '../scaffold/target.js';

const NAMESPACE = `${PACKAGE_NAME}:app`;

export interface ScaffoldIo {
  /** Whether questions may be asked (a TTY and no CI). */
  readonly interactive: boolean;
  readonly log: (line: string) => void;
  /** Called with a cleanup to run if the process is interrupted. */
  readonly onInterrupt: (cleanup: () => Promise<void>) => void;
}

/**
 * Runs the generator into a staging directory beside the target and moves the result into place
 * only when everything (answers, rendering, install, first commit) succeeded. An error or Ctrl-C
 * leaves the target as it was.
 */
export async function scaffold(args: CliArguments, io: ScaffoldIo): Promise<void> {
  const target = resolve(args.directory ?? '.');
  if (!args.force) await assertEmptyTarget(target);

  const staging = args.dryRun
    ? await mkdtemp(join(tmpdir(), `${PACKAGE_NAME}-dry-run-`))
    : await mkdtemp(join(await existingParent(target), `.${basename(target)}.${PACKAGE_NAME}-`));
  const cleanup = () => rm(staging, { recursive: true, force: true });
  io.onInterrupt(cleanup);
  try {
    // A re-run with --force keeps the answers given last time (flags still win).
    if (args.force) await copyFile(join(target, '.yo-rc.json'), join(staging, '.yo-rc.json')).catch(() => undefined);
    await runGenerator(staging, target, args, io);
    if (args.dryRun) {
      io.log(`Dry run: these files would be written to ${relative(process.cwd(), target) || '.'}:`);
      for (const file of await listTree(staging)) io.log(`  ${file}`);
      return;
    }
    await moveInto(staging, target);
  } finally {
    await cleanup();
  }
}

async function runGenerator(staging: string, target: string, args: CliArguments, io: ScaffoldIo): Promise<void> {
  const packageManager = detectPackageManager(process.env.npm_config_user_agent);
  const prerendered = io.interactive && !args.yes ? undefined : await prerenderManagedFiles(args, target, packageManager);
  try {
    await runEnvironment(staging, target, args, io, packageManager, prerendered);
  } finally {
    if (prerendered) await rm(prerendered.request.outdir, { recursive: true, force: true });
  }
}

async function runEnvironment(
  staging: string,
  target: string,
  args: CliArguments,
  io: ScaffoldIo,
  packageManager: PackageManager,
  prerendered: Prerendered | undefined,
): Promise<void> {
  // Loading Yeoman takes a while: the managed files render on another thread meanwhile.
  const [{ createEnv }, { default: RdsIamStackGenerator }] = await Promise.all([
    import('yeoman-environment'),
    import('../../generators/app/index.js'),
  ]);
  // The staging directory is ours alone: nothing in it can conflict.
  const env = createEnv({ cwd: staging, logCwd: staging, force: true });
  env.register(RdsIamStackGenerator, {
    namespace: NAMESPACE,
    resolved: join(PACKAGE_ROOT, 'lib/generators/app/index.js'),
    packagePath: PACKAGE_ROOT,
  });
  const options: GeneratorFlags & { skipInstall: boolean; nodePackageManager: string } = {
    ...args.answerOptions,
    skipInstall: args.skipInstall || args.dryRun,
    nodePackageManager: packageManager.command,
    interactive: io.interactive,
    yes: args.yes,
    answers: args.answersFile ? resolve(args.answersFile) : undefined,
    git: args.git && !args.dryRun,
    packageSource: args.packageSource,
    displayDirectory: target,
    // The CLI checked the target; staging is always empty.
    allowNonEmptyTarget: true,
    prerendered,
  };
  await env.run([NAMESPACE], options);
}

/** The staging directory must sit on the target's file system so that the final move is a rename. */
async function existingParent(target: string): Promise<string> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  return parent;
}

/** Renames staging to target when the target is absent or empty; merges entry by entry under --force. */
async function moveInto(staging: string, target: string): Promise<void> {
  const existing = await stat(target).catch(() => undefined);
  if (!existing) {
    await rename(staging, target);
    return;
  }
  if ((await readdir(target)).length === 0) {
    await rmdir(target);
    await rename(staging, target);
    return;
  }
  await mergeInto(staging, target);
}

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

async function listTree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}
