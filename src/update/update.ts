import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { javascript } from 'projen';
import semver from 'semver';
import { renderOwnedFiles, type OwnedFiles } from '../../generators/app/owned-files.js';
import { answersFromFile, parseRecordedAnswers } from '../answers/index.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info.js';
import { applyPlan } from './apply.js';
import { loadBasePackage } from './base-package.js';
import { gitMergeFile } from './merge.js';
import { migrateAnswers, migrateFiles, migrationsBetween, MIGRATIONS, type Migration } from './migrations.js';
import { planUpdate, withMigratedFiles, type UpdatePlan } from './plan.js';
import { FinishingStepError, installAndRunProjen } from './project-commands.js';
import { readRecord } from './record.js';
import { conflictsOf, nextSteps, summarize } from './summary.js';
import { assertCleanWorkTree } from './work-tree.js';
import { ANSWERS_RECORD_PATH } from '../project/answers-record.js';

export interface UpdateOptions {
  /** The generated project's root. */
  readonly projectDir: string;
  /** Where relative paths in specs and `--answers` are resolved. */
  readonly cwd: string;
  /** Print the plan, write nothing. */
  readonly dryRun: boolean;
  /** Update despite uncommitted changes (or no git). */
  readonly force: boolean;
  /** npm spec of the recorded version (e.g. a tarball). @default `create-rds-iam-stack@<recorded version>` */
  readonly basePackage?: string;
  /** Where the project installs this package from afterwards. @default the registry, `^<this version>` */
  readonly packageSource?: string;
  /** Answers that replace recorded ones (`--answers FILE`). */
  readonly answersFile?: string;
  readonly log: (line: string) => void;
  /** Asked before anything is written; absent under `--yes`. */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** Receives the clean-up an interrupt must run while nothing is written yet. */
  readonly onCleanup?: (cleanup: () => Promise<void>) => void;
  /** Called right before the files are written: from then on an interrupt no longer undoes anything. */
  readonly onWriting?: () => void;
  /** Install the new version and run `npx projen` after writing (default true; tests turn it off). */
  readonly runProjen?: boolean;
  /** This package's migrations (a test passes its own). */
  readonly migrations?: readonly Migration[];
  /** How the recorded version is obtained (a test passes its own). @default an npm install */
  readonly loadBasePackage?: typeof loadBasePackage;
}

export type UpdateOutcome =
  | { readonly status: 'up-to-date'; readonly version: string }
  | { readonly status: 'declined' | 'planned' | 'applied'; readonly plan: UpdatePlan; readonly conflicts: readonly string[] };

/** A request the project cannot take: a newer recorded version, a base package of the wrong version. */
export class UpdateRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpdateRefusedError';
  }
}

/**
 * `create-rds-iam-stack update`: merges the template changes between the recorded version and this
 * one into the team's owned files. Everything is computed in memory first; only a complete result
 * is written, then projen re-renders the managed files with this version.
 */
export async function update(options: UpdateOptions): Promise<UpdateOutcome> {
  const { projectDir, log } = options;
  if (!options.force) await assertCleanWorkTree(projectDir);
  const record = await readRecord(projectDir);
  const from = record.generatorVersion;
  const to = PACKAGE_VERSION;
  if (semver.gt(from, to)) {
    throw new UpdateRefusedError(`${projectDir} comes from ${PACKAGE_NAME} ${from}, newer than this ${to}: run \`npx ${PACKAGE_NAME}@${from} update\` or later.`);
  }
  if (semver.eq(from, to)) {
    log(`The owned files already come from ${PACKAGE_NAME} ${to}: nothing to update.`);
    return { status: 'up-to-date', version: to };
  }
  const migrations = migrationsBetween(from, to, options.migrations ?? MIGRATIONS);
  const given = options.answersFile ? await answersFromFile(resolve(options.cwd, options.answersFile)) : {};
  const answers = parseRecordedAnswers({ ...migrateAnswers(record.answers, migrations), ...given });

  const workDir = await mkdtemp(join(tmpdir(), `${PACKAGE_NAME}-update-`));
  const cleanup = () => rm(workDir, { recursive: true, force: true });
  options.onCleanup?.(cleanup);
  try {
    const baseSpec = options.basePackage ? resolveSpec(options.basePackage, options.cwd) : `${PACKAGE_NAME}@${from}`;
    log(`Rendering the owned files of ${PACKAGE_NAME} ${from} (${baseSpec})…`);
    const basePackage = await (options.loadBasePackage ?? loadBasePackage)(baseSpec, workDir);
    if (basePackage.version !== from) {
      throw new UpdateRefusedError(`--base-package ${options.basePackage} is ${PACKAGE_NAME} ${basePackage.version}, but the owned files come from ${from} (${ANSWERS_RECORD_PATH}).`);
    }
    const packageManager = record.packageManager as javascript.NodePackageManager | undefined;
    const recorded = await basePackage.renderOwnedFiles(record.answers, { packageManager, packageSource: record.packageSource });
    const base = migrateFiles(recorded, migrations);
    const packageSource = options.packageSource ? resolveSpec(options.packageSource, options.cwd) : undefined;
    const theirs = await renderOwnedFiles(answers, { packageManager, packageSource });
    // The paths as the recorded version had them too: a migration may move the team's files.
    const original = await readOwnedFiles(projectDir, [...recorded.keys(), ...base.keys(), ...theirs.keys()]);
    const ours = migrateFiles(original, migrations);
    const labels = { ours: 'yours', base: `${PACKAGE_NAME} ${from}`, theirs: `${PACKAGE_NAME} ${to}` };
    const plan = withMigratedFiles(await planUpdate({ base, theirs, ours }, gitMergeFile, labels), original, ours);
    summarize({ plan, from, to, migrations }).forEach((line) => log(line));
    const conflicts = conflictsOf(plan);
    if (options.dryRun) {
      log('Dry run: nothing was written.');
      return { status: 'planned', plan, conflicts };
    }
    if (options.confirm && !(await options.confirm('Write these changes?'))) {
      log('Nothing was written.');
      return { status: 'declined', plan, conflicts };
    }
    options.onWriting?.();
    applyPlan(projectDir, plan);
    const projenRuns = options.runProjen !== false && !conflicts.includes('.projenrc.ts');
    if (options.runProjen !== false && !projenRuns) log('.projenrc.ts has conflicts: resolve them, then run `npx projen`.');
    if (projenRuns) {
      await installAndRunProjen(projectDir, record.packageManager, packageSource ?? `^${to}`);
      await assertRecordRenderedFor(projectDir, to);
    }
    nextSteps(plan, projenRuns).forEach((line) => log(line));
    return { status: 'applied', plan, conflicts };
  } finally {
    await cleanup();
  }
}

/** projen can exit 0 without rendering the project (it rendered elsewhere): the record tells. */
async function assertRecordRenderedFor(projectDir: string, version: string): Promise<void> {
  const { generatorVersion } = await readRecord(projectDir);
  if (generatorVersion !== version) {
    throw new FinishingStepError('npx projen', `${ANSWERS_RECORD_PATH} still records ${PACKAGE_NAME} ${generatorVersion}, not ${version}`);
  }
}

/** Paths given on the command line are the user's, relative to where they ran the command. */
function resolveSpec(spec: string, cwd: string): string {
  const path = spec.replace(/^file:/, '');
  const looksLikePath = spec.startsWith('file:') || /^\.{0,2}\//.test(spec) || /\.t(ar\.)?gz$/.test(spec);
  return looksLikePath ? `file:${isAbsolute(path) ? path : resolve(cwd, path)}` : spec;
}

async function readOwnedFiles(projectDir: string, paths: readonly string[]): Promise<OwnedFiles> {
  const files = new Map<string, string>();
  for (const path of new Set(paths)) {
    try {
      files.set(path, await readFile(join(projectDir, path), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return files;
}
