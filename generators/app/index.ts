import { mkdirSync, renameSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { commitConcurrently } from './concurrent-commit.js';
import { nextSteps } from './next-steps.js';
import { listFiles, renderOwnedFiles } from './owned-files.js';
import {
  checkAnswer,
  collectGivenAnswers,
  projectNameNotice,
  completeWithoutPrompts,
  formatAnswer,
  parseAnswer,
  parseAnswers,
  QUESTIONS,
  withDefaults,
  type Question,
  type StackAnswers,
} from '../../src/answers/index.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../src/package-info.js';
import { loadProjectType, managedFilesRequest, renderManagedFiles } from '../../src/project/render-managed-files.js';
import { TEMPLATE_SNAPSHOT_TASK } from '../../src/project/task-names.js';
import { runChild, type ChildOptions } from '../../src/scaffold/child-process.js';
import { ConflictsError, diffOf } from '../../src/scaffold/conflicts.js';
import { Interruption } from '../../src/scaffold/interruption.js';
import { detectPackageManager, type PackageManager } from '../../src/scaffold/package-manager.js';
import { runSideBySide } from '../../src/scaffold/side-by-side.js';
import { assertEmptyTarget } from '../../src/scaffold/target.js';
import { compareTrees } from '../../src/scaffold/tree.js';


export type RdsIamStackGeneratorOptions = BaseOptions & GeneratorFlags;

export interface GeneratorFlags {
  /** Ask for what is missing (TTY without CI); otherwise never prompt. */
  interactive?: boolean;
  /** Take the default for every unanswered question. */
  yes?: boolean;
  /** Path of a JSON answers file. */
  answers?: string;
  /** Write into a non-empty directory (`--force`; yeoman's own `force` only silences conflicts). */
  allowNonEmptyTarget?: boolean;
  /** Make the first git commit (default true). */
  git?: boolean;
  /** Install the dependencies (default: unless `skipInstall`). */
  installDependencies?: boolean;
  /** Render only: no install, no commit, no summary. */
  renderOnly?: boolean;
  /**
   * The existing directory the files will be moved into when they are written elsewhere first: its
   * files that differ from the rendered ones are conflicts (and its `.yo-rc.json` gives earlier answers).
   */
  existingTarget?: string;
  /** Replace the existing target's differing files without asking (`--overwrite`). */
  overwrite?: boolean;
  /** SIGINT/SIGTERM: stops children and prompts; temporary directories are removed on exit. */
  interruption?: Interruption;
  /** Where npm gets create-rds-iam-stack from in the generated project (see RdsIamStackProject). */
  packageSource?: string;
  /** The directory to show in "next steps" when the files are written elsewhere first. */
  displayDirectory?: string;
  /** Flags, one option per question (`region`, `azCount`, `dbName`, `user`...). */
  [flag: string]: unknown;
}

/**
 * Scaffolds a zero-secret MySQL stack. Owned files come from `templates/` and are written once;
 * managed files are rendered by RdsIamStackProject, exactly as the generated `.projenrc.ts` renders
 * them later.
 */
// Yeoman runs every public method as a task in priority order; helpers are `#private` to stay out of the queue.
export default class RdsIamStackGenerator extends Generator<Record<string, unknown>, RdsIamStackGeneratorOptions> {
  private answers!: StackAnswers;
  private packageManager!: PackageManager;
  #interruption!: Interruption;
  /** Paths the templates wrote: projen's samples for the same paths (README.md) do not replace them. */
  readonly #ownedPaths = new Set<string>();

  constructor(args?: string[], options?: RdsIamStackGeneratorOptions) {
    // The managed files get their own step after the owned files are on disk: projen renders them
    // beside those, and they are renamed into place.
    // Existing files are compared with the rendered ones once all are on disk (`reconcile`).
    // The install is this generator's own step (`customInstallTask`): Yeoman's cannot be interrupted cleanly.
    super(args, options, {
      customPriorities: [
        { priorityName: 'managedFiles', before: 'install' },
        { priorityName: 'reconcile', before: 'install' },
      ],
      customInstallTask: true,
    });
    // Files are written by this generator's own commit (`customCommitTask`), all at once.
    this.setFeatures({
      customCommitTask: () => commitConcurrently(this.env.sharedFs, this.destinationRoot(), (path) => this.log.create(path)),
    });
  }

  async initializing(): Promise<void> {
    if (!this.options.allowNonEmptyTarget) await assertEmptyTarget(this.destinationRoot());
    this.packageManager = detectPackageManager(process.env.npm_config_user_agent);
    this.#interruption = this.options.interruption ?? new Interruption();
  }

  async prompting(): Promise<void> {
    // Read as outside data, with its own messages: the earlier answers of the directory written into.
    const given = await collectGivenAnswers({
      storedIn: this.options.existingTarget ?? this.destinationRoot(),
      answersFile: this.options.answers,
      options: this.options,
    });
    const context = { directoryName: basename(this.options.displayDirectory ?? this.destinationRoot()) };
    if (this.options.interactive && !this.options.yes) {
      await this.#ask(given.answers, context);
      this.answers = parseAnswers(withDefaults(given.answers, context), given.origins);
    } else {
      this.answers = completeWithoutPrompts(given, { ...context, yes: this.options.yes === true });
    }
    const notice = projectNameNotice(given.answers, context, this.answers);
    if (notice) this.log(notice);
  }

  async writing(): Promise<void> {
    void loadProjectType();
    await this.#renderOwnedFiles();
  }

  /**
   * Renders the project type into a scratch directory beside the owned files (which are on disk by
   * now) and moves its files into place: renamed on one file system, not read back and written again.
   */
  async managedFiles(): Promise<void> {
    const scratch = await mkdtemp(this.destinationPath(`.${PACKAGE_NAME}-managed-`));
    const remove = this.#interruption.removeOnExit(scratch);
    try {
      await renderManagedFiles(managedFilesRequest(this.answers, this.packageManager.projen, this.options.packageSource, scratch));
      for (const source of await listFiles(scratch)) {
        const path = relative(scratch, source);
        const target = this.destinationPath(path);
        if (this.#ownedPaths.has(target)) continue;
        // Synchronous: a rename takes less than an awaited call's trip through the thread pool.
        mkdirSync(dirname(target), { recursive: true });
        renameSync(source, target);
        this.log.create(path);
      }
    } finally {
      await remove();
    }
  }

  /**
   * Files of an existing target that differ from the rendered ones are never replaced silently:
   * refused without a terminal, asked per file with one, replaced only under `--overwrite`. A file
   * kept is copied into the rendered tree, so that the install and the commit see what will be there.
   */
  async reconcile(): Promise<void> {
    const target = this.options.existingTarget;
    if (!target || this.options.renderOnly) return;
    // `.yo-rc.json` is this generator's record of the answers, which came from it (flags win).
    const differing = (await compareTrees(this.destinationRoot(), target)).differing.filter((file) => file !== '.yo-rc.json');
    if (differing.length === 0 || this.options.overwrite) return;
    if (!this.options.interactive) throw new ConflictsError(relative(process.cwd(), target) || '.', differing);
    for (const file of differing) {
      for (;;) {
        const { choice } = await this.prompt<{ choice: 'overwrite' | 'keep' | 'diff' }>({
          type: 'select',
          name: 'choice',
          message: `${file} exists with other content`,
          choices: [
            { name: 'keep yours', value: 'keep' },
            { name: 'overwrite with the new one', value: 'overwrite' },
            { name: 'show the difference', value: 'diff' },
          ],
        });
        if (choice === 'diff') {
          this.log(await diffOf(file, target, this.destinationRoot()));
          continue;
        }
        if (choice === 'keep') {
          // A managed file is read-only: replaced, not written through.
          await rm(this.destinationPath(file), { force: true });
          await copyFile(join(target, file), this.destinationPath(file));
        }
        break;
      }
    }
  }

  /**
   * The dependencies, with the package manager that launched us, and the service's own in `app/`
   * at the same time (it touches nothing else); stopped cleanly by an interrupt.
   */
  async install(): Promise<void> {
    if (!this.#installs) return;
    const { command } = this.packageManager;
    await runSideBySide(this.#interruption.signal, [
      (signal) => this.#run(command, command === 'npm' ? ['install', '--no-audit', '--no-fund'] : ['install'], { signal }),
      (signal) => this.#installService(signal),
    ]);
  }

  /** One step after another; a step for the installed project goes after the service install. */
  async end(): Promise<void> {
    if (this.options.renderOnly) return;
    if (this.#installs) {
      await this.#pinResolvedVersions();
      await this.#writeTemplateSnapshot();
    }
    if (this.options.git !== false) await this.#commitToGit();
    this.log(
      nextSteps({
        directory: this.options.displayDirectory ?? this.destinationRoot(),
        answers: this.answers,
        packageManager: this.packageManager,
        installed: this.#installs,
      }),
    );
  }

  get #installs(): boolean {
    return !this.options.renderOnly && (this.options.installDependencies ?? !this.options.skipInstall);
  }

  /** Runs a child in the generated project (or a directory of it); an interrupt stops it and everything it started. */
  #run(command: string, args: readonly string[], options: Partial<ChildOptions> = {}, allowFailure = false) {
    return runChild(command, args, { cwd: this.destinationRoot(), signal: this.#interruption.signal, ...options }, allowFailure);
  }

  /** Asks every unanswered question in order; each answer is checked against the others at once. */
  async #ask(given: Record<string, unknown>, context: { directoryName?: string }): Promise<void> {
    for (const question of QUESTIONS as readonly Question[]) {
      if (given[question.key] !== undefined) continue;
      if (question.askWhen && !question.askWhen(given as Partial<StackAnswers>)) continue;
      const soFar = given as Partial<StackAnswers>;
      const fallback = question.defaultValue(soFar, context);
      const choices = question.choices?.(soFar);
      const reply = await this.prompt<Record<string, unknown>>({
        name: question.key,
        message: `${question.label} — ${question.description}`,
        ...(question.flagKind === 'boolean'
          ? { type: 'confirm', default: fallback === true }
          : choices
            ? { type: 'select', choices: [...choices], default: fallback === undefined ? undefined : String(fallback) }
            : {
              type: 'input',
              default: formatAnswer(fallback),
              validate: (input: string) => checkAnswer(question.key, input, withDefaults({ ...given }, context)),
            }),
      });
      given[question.key] = parseAnswer(question.key, reply[question.key]);
    }
  }

  /** Owned files (templates and `.projenrc.ts`), rendered as `update` renders them. */
  async #renderOwnedFiles(): Promise<void> {
    const files = await renderOwnedFiles(this.answers, {
      packageManager: this.packageManager.projen,
      packageSource: this.options.packageSource,
    });
    for (const [path, contents] of files) {
      const target = this.destinationPath(path);
      this.fs.write(target, contents);
      this.#ownedPaths.add(target);
    }
  }

  /** After the install, projen writes the resolved versions into package.json, as `projen new` does. */
  async #pinResolvedVersions(): Promise<void> {
    // Under CI projen would run a frozen install, which a first install cannot satisfy yet.
    await this.#run('npx', ['projen'], { env: { ...process.env, CI: 'false' } });
  }

  /** The service in `app/` has its own dependencies and lockfile (its image installs exactly those). */
  async #installService(signal: AbortSignal): Promise<void> {
    await this.#run('npm', ['install', '--no-audit', '--no-fund'], { cwd: this.destinationPath('app'), signal });
  }

  /** The template snapshot, which CI refuses to write: in the first commit, the generated CI passes. */
  async #writeTemplateSnapshot(): Promise<void> {
    await this.#run('npx', ['projen', TEMPLATE_SNAPSHOT_TASK]);
  }

  async #commitToGit(): Promise<void> {
    // An existing repository (the target's own `.git`, which the rendered files sit inside of, or a
    // work tree around the target) keeps its history, remotes, branch and config: no init, no commit.
    const inside = await this.#run('git', ['rev-parse', '--is-inside-work-tree'], { capture: true }, true);
    if (inside.exitCode === 0) {
      this.log('Inside an existing git repository: the new files are left for you to review and commit.');
      return;
    }
    await this.#run('git', ['init', '--quiet', '--initial-branch=main'], { capture: true });
    await this.#run('git', ['add', '--all'], { capture: true });
    const commit = await this.#run(
      'git',
      ['commit', '--quiet', '--no-verify', '-m', `Scaffold with ${PACKAGE_NAME} ${PACKAGE_VERSION}`],
      { capture: true },
      true,
    );
    if (commit.exitCode !== 0) {
      this.log(`git: repository initialised, first commit skipped (${commit.output.trim().split('\n')[0]}).`);
    }
  }
}
