import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { nextSteps } from './next-steps.js';
import { templateData } from './template-data.js';
import {
  checkAnswer,
  collectGivenAnswers,
  completeWithoutPrompts,
  formatAnswer,
  parseAnswer,
  parseAnswers,
  QUESTIONS,
  withDefaults,
  type Question,
  type StackAnswers,
} from '../../src/answers/index.js';
import { PACKAGE_NAME, PACKAGE_VERSION, TEMPLATES_DIR } from '../../src/package-info.js';
import { renderProjenrc } from '../../src/project/projenrc-source.js';
import { managedFilesRequest, renderManagedFiles, type Prerendered } from '../../src/project/render-managed-files.js';
import { detectPackageManager, type PackageManager } from '../../src/scaffold/package-manager.js';
import { assertEmptyTarget } from '../../src/scaffold/target.js';


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
  /** Where npm gets create-rds-iam-stack from in the generated project (see RdsIamStackProject). */
  packageSource?: string;
  /** The directory to show in "next steps" when the files are written elsewhere first. */
  displayDirectory?: string;
  /** Managed files already rendered (by the CLI, in parallel) for exactly this request. */
  prerendered?: Prerendered;
  /** Flags, one option per question (`region`, `azCount`, `dbName`, `user`...). */
  [flag: string]: unknown;
}

/** `.yo-rc.json` content under this package's key. */
interface StoredConfig {
  generatorVersion: string;
  answers: StackAnswers;
}

/**
 * Scaffolds a zero-secret MySQL stack. Owned files come from `templates/` and are written once;
 * managed files are rendered by RdsIamStackProject, exactly as the generated `.projenrc.ts` renders
 * them later (by the CLI on a worker thread when it knows the answers before Yeoman has loaded).
 */
// Yeoman runs every public method as a task in priority order; helpers are `#private` to stay out of the queue.
export default class RdsIamStackGenerator extends Generator<Record<string, unknown>, RdsIamStackGeneratorOptions> {
  private answers!: StackAnswers;
  private packageManager!: PackageManager;
  /** Paths the templates wrote: projen's samples for the same paths (README.md) do not replace them. */
  readonly #ownedPaths = new Set<string>();

  constructor(args?: string[], options?: RdsIamStackGeneratorOptions) {
    // The managed files get their own step after the owned files are on disk: a render made on
    // another thread is then waited for only after Yeoman has written everything else.
    super(args, options, { customPriorities: [{ priorityName: 'managedFiles', before: 'install' }] });
  }

  async initializing(): Promise<void> {
    if (!this.options.allowNonEmptyTarget) await assertEmptyTarget(this.destinationRoot());
    this.packageManager = detectPackageManager(process.env.npm_config_user_agent);
  }

  async prompting(): Promise<void> {
    const given = await collectGivenAnswers({
      stored: this.config.get('answers') as Record<string, unknown> | undefined,
      answersFile: this.options.answers,
      options: this.options,
    });
    const context = { directoryName: basename(this.options.displayDirectory ?? this.destinationRoot()) };
    if (this.options.interactive && !this.options.yes) {
      await this.#ask(given, context);
      this.answers = parseAnswers(withDefaults(given, context));
    } else {
      this.answers = completeWithoutPrompts(given, { ...context, yes: this.options.yes === true });
    }
  }

  async writing(): Promise<void> {
    await this.#renderOwnedFiles();
    this.fs.write(
      this.destinationPath('.projenrc.ts'),
      renderProjenrc(this.answers, {
        packageManager: this.packageManager.projen,
        packageSource: this.options.packageSource,
      }),
    );
    const stored: StoredConfig = { generatorVersion: PACKAGE_VERSION, answers: this.answers };
    this.config.set(stored as unknown as Record<string, unknown>);
  }

  /** Renders the project type into a scratch directory and takes its files into the in-memory store. */
  async managedFiles(): Promise<void> {
    const { prerendered } = this.options;
    const request = (outdir: string) =>
      managedFilesRequest(this.answers, this.packageManager.projen, this.options.packageSource, outdir);
    const usable = prerendered && isDeepStrictEqual(prerendered.request, request(prerendered.request.outdir));
    const scratch = usable ? await prerendered.directory : await mkdtemp(join(tmpdir(), `${PACKAGE_NAME}-`));
    try {
      if (!usable) await renderManagedFiles(request(scratch));
      for (const source of await listFiles(scratch)) {
        const target = this.destinationPath(relative(scratch, source));
        if (!this.#ownedPaths.has(target)) this.fs.copy(source, target);
      }
    } finally {
      // A render made ahead of time belongs to the CLI, which removes it.
      if (!usable) await rm(scratch, { recursive: true, force: true });
    }
  }

  async end(): Promise<void> {
    if (!this.options.skipInstall) {
      await this.#pinResolvedVersions();
      await this.#installService();
    }
    if (this.options.git !== false) await this.#commitToGit();
    this.log(
      nextSteps({
        directory: this.options.displayDirectory ?? this.destinationRoot(),
        answers: this.answers,
        packageManager: this.packageManager,
        installed: !this.options.skipInstall,
      }),
    );
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

  /** Owned files: `*.ejs` are rendered, everything else is copied as is. */
  async #renderOwnedFiles(): Promise<void> {
    const data = templateData(this.answers);
    for (const source of await listFiles(TEMPLATES_DIR)) {
      const template = this.destinationPath(ownedPath(relative(TEMPLATES_DIR, source)));
      const target = template.replace(/\.ejs$/, '');
      if (template === target) this.fs.copy(source, target);
      else this.fs.copyTpl(source, target, data);
      this.#ownedPaths.add(target);
    }
  }

  /** After the install, projen writes the resolved versions into package.json, as `projen new` does. */
  async #pinResolvedVersions(): Promise<void> {
    // Under CI projen would run a frozen install, which a first install cannot satisfy yet.
    await this.spawn('npx', ['projen'], {
      cwd: this.destinationRoot(),
      stdio: 'inherit',
      env: { ...process.env, CI: 'false' },
    });
  }

  /** The service in `app/` has its own dependencies and lockfile (its image installs exactly those). */
  async #installService(): Promise<void> {
    await this.spawn('npm', ['install', '--no-audit', '--no-fund'], {
      cwd: this.destinationPath('app'),
      stdio: 'inherit',
    });
  }

  async #commitToGit(): Promise<void> {
    const cwd = this.destinationRoot();
    const inside = await this.spawn('git', ['rev-parse', '--is-inside-work-tree'], { cwd, reject: false, stdio: 'pipe' });
    if (inside.exitCode === 0) {
      this.log('Inside an existing git work tree: leaving version control to it.');
      return;
    }
    await this.spawn('git', ['init', '--quiet', '--initial-branch=main'], { cwd, stdio: 'pipe' });
    await this.spawn('git', ['add', '--all'], { cwd, stdio: 'pipe' });
    const commit = await this.spawn(
      'git',
      ['commit', '--quiet', '--no-verify', '-m', `Scaffold with ${PACKAGE_NAME} ${PACKAGE_VERSION}`],
      { cwd, reject: false, stdio: 'pipe' },
    );
    if (commit.exitCode !== 0) {
      this.log(`git: repository initialised, first commit skipped (${String(commit.stderr).trim().split('\n')[0]}).`);
    }
  }
}

/** `npm pack` drops dotfiles such as `.gitignore`: templates keep them as `_gitignore`, `_dockerignore`. */
function ownedPath(path: string): string {
  return path.replace(/(^|[\\/])_(gitignore|dockerignore)$/, '$1.$2');
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
