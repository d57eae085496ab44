import { github, javascript, JsonFile, ReleasableCommits, typescript } from 'projen';
import { ReleaseWorkflowHardening } from './projenrc/release-workflow.js';
import { ESM_COMPILER_OPTIONS, ESM_JEST_CONFIG, ESM_JEST_ENV, useEsm } from './src/project/esm.js';
import { checkout, finishRendering, pinActions, setupNode } from './src/project/workflows/actions.js';

/** The versions the generated projects are built on; the project type pins the same ones. */
const PROJEN_VERSION = '0.103.25';
const TYPESCRIPT_VERSION = '~5.9.3';
const WORKFLOW_NODE_VERSION = '24';
/** The CLI projen's release workflow publishes with (cdklabs/publib). */
const PUBLIB_VERSION = '0.2.1061';

const project = new typescript.TypeScriptProject({
  name: 'create-rds-iam-stack',
  description:
    'Scaffold a zero-secret MySQL stack on AWS: CDK (VPC, RDS for MySQL 8.4 with IAM auth, RDS Proxy), a user-bootstrap Lambda, a Hono service and an OIDC pipeline.',
  keywords: ['aws', 'cdk', 'rds', 'mysql', 'iam', 'rds-proxy', 'projen', 'yeoman', 'scaffold'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '22.18.0',
  workflowNodeVersion: WORKFLOW_NODE_VERSION,
  projenrcTs: true,
  runner: typescript.TypeScriptRunner.tsx(),
  typescriptVersion: TYPESCRIPT_VERSION,
  projenVersion: PROJEN_VERSION,
  // Releases from main: the version and the changelog (the GitHub release notes) from the
  // conventional commits since the last tag, published to npm with provenance through GitHub OIDC
  // (trusted publishing: no npm token).
  release: true,
  // Only `feat:` and `fix:` commits (and breaking changes) make a release; chores, docs and tests wait.
  releasableCommits: ReleasableCommits.featuresAndFixes(),
  releaseToNpm: true,
  npmTrustedPublishing: true,
  npmProvenance: true,
  // The publishing CLI at a fixed version (projen's default is publib@latest, fetched at release time).
  jsiiReleaseVersion: PUBLIB_VERSION,
  workflowRunsOn: ['ubuntu-24.04'],
  depsUpgrade: false,
  sampleCode: false,
  entrypoint: 'lib/src/index.js',
  entrypointTypes: 'lib/src/index.d.ts',
  bin: { 'create-rds-iam-stack': 'lib/cli/bin.js' },

  // What must stay a package of its own at run time; everything else the CLI needs is bundled into
  // lib/cli/start.js (projenrc/bundle-cli.ts), which imports these instead of bundling them.
  // - zod, semver, validate-npm-package-name: the answers model and the project type, which generated
  //   projects import from lib/src/index.js (compiled, not bundled: its own entry, without Yeoman;
  //   the CLI imports it from there too). zod's types are also part of the exported declarations
  //   (the answers' schemas), so it could not be bundled away even there;
  // - ejs: the owned-files renderer, lib/generators/app/owned-files.js, which `update` of later
  //   versions imports from this version's installed package (a compiled entry of its own).
  deps: ['zod@^4.1.0', 'validate-npm-package-name@^8.0.0', 'semver@^7.7.0', 'ejs@^5.0.0'],
  // Generated projects hold their own projen and constructs; sharing one copy keeps projen's
  // class identity intact when their .projenrc.ts instantiates RdsIamStackProject.
  peerDeps: [`projen@^${PROJEN_VERSION}`, 'constructs@^10.5.0'],
  // Bundled into the CLI at build time: Yeoman and the conflict display's diff.
  devDeps: ['yeoman-generator@^10.2.1', 'yeoman-environment@^7.1.0', 'diff@^9.0.0', 'esbuild@^0.28.2', 'yeoman-test@^11.8.2', 'tsx@^4.20.0', '@types/node@^24', '@types/validate-npm-package-name@^4', 'jest-junit@^17', 'yaml@^2', '@types/ejs@^3', '@types/semver@^7'],
  // The build workflow below replaces projen's (whose self-mutation job pushes with a stored token).
  buildWorkflow: false,
  githubOptions: { mergify: false, pullRequestLint: false },

  tsconfig: {
    include: ['src/**/*.ts', 'generators/**/*.ts', 'bench/**/*.ts'],
    compilerOptions: { ...ESM_COMPILER_OPTIONS, rootDir: '.', outDir: 'lib' },
  },
  tsconfigDev: {
    // Relative to test/, where projen keeps the development tsconfig.
    include: ['../src/**/*.ts', '../generators/**/*.ts', '../bench/**/*.ts'],
    compilerOptions: { ...ESM_COMPILER_OPTIONS, rootDir: '..' },
  },
  eslintOptions: { dirs: ['src', 'generators'], devdirs: ['test', 'bench', '.projenrc.ts'] },

  jestOptions: {
    jestVersion: '^30',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // Generator tests change the working directory: the report path must not depend on it.
    junitReporting: false,
    jestConfig: {
      reporters: [new javascript.JestReporter('jest-junit', { outputDirectory: '<rootDir>/test-reports' })],
      ...ESM_JEST_CONFIG,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 60_000,
      collectCoverage: false,
    },
  },
  tsJestOptions: { transformOptions: { useESM: true } },
  typecheckTests: true,
});

useEsm(project);
// The CLI ships as its bundle (lib/cli); lib/src is the library entry (project type, answers model)
// for generated projects and the CLI; owned-files.js (with template-data.js) is the entry `update`
// of later versions imports from this one. The rest of the compiled CLI is in the bundle.
project.package.addField('files', [
  'lib/cli',
  'lib/src',
  '!lib/src/cli',
  '!lib/src/update',
  '!lib/src/scaffold',
  'lib/src/scaffold/package-manager.*',
  'lib/generators/app/owned-files.*',
  'lib/generators/app/template-data.*',
  'templates',
]);
project.npmignore?.exclude('/bench/', '/test/');


// The CLI as one bundle (lib/cli), after TypeScript has checked it.
project.compileTask.exec('tsx projenrc/bundle-cli.ts');
// The CLI's code imports what the bundle contains (Yeoman, diff): development dependencies.
for (const bundled of ['src/cli/**', 'src/scaffold/**', 'src/update/**', 'generators/**']) project.eslint?.allowDevDeps(bundled);

project.addTask('test:unit', {
  description: 'Fast unit, generator and CLI tests (no network, no install)',
  env: ESM_JEST_ENV,
  exec: 'jest --ci',
  receiveArgs: true,
});

// The e2e suite installs a generated project from a tarball of this one, so it packs the build.
new JsonFile(project, 'jest.e2e.config.json', {
  obj: {
    ...ESM_JEST_CONFIG,
    testMatch: ['<rootDir>/test/e2e/**/*.e2e.ts'],
    testTimeout: 30 * 60_000,
    transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json', useESM: true }] },
    reporters: ['default', ['jest-junit', { outputDirectory: '<rootDir>/test-reports/e2e' }]],
  },
});
project.addTask('test:e2e', {
  description: 'Scaffold, install from a local tarball, build, test and synth a generated project',
  env: ESM_JEST_ENV,
  steps: [{ spawn: 'compile' }, { exec: 'jest --config jest.e2e.config.json --runInBand --ci', receiveArgs: true }],
});

project.addTask('bench:scaffold', {
  description: 'Next to projen alone: cold install of the packed package (fresh npm cache), installed size and packages, scaffold wall time next to `projen new awscdk-app-ts`',
  steps: [{ spawn: 'compile' }, { exec: 'tsx bench/scaffold.ts', receiveArgs: true }],
});

project.addTask('bench:project', {
  description: "Scaffold with install and the generated project's build, per step, next to `projen new awscdk-app-ts` and its build",
  steps: [{ spawn: 'compile' }, { exec: 'tsx bench/project.ts', receiveArgs: true }],
});

project.gitignore.exclude('*.tgz', '/.tools/', '/test-reports/');

// This repository's own pipeline: the same command CI runs, on every pull request and on main,
// hardened like the generated projects' workflows (pinned actions, least permissions).
const gh = project.github!;
pinActions(gh);
const build = new github.GithubWorkflow(gh, 'build', {
  limitConcurrency: true,
  concurrencyOptions: { group: '${{ github.workflow }}-${{ github.ref }}', cancelInProgress: true },
});
build.on({ pullRequest: { branches: ['main'] }, push: { branches: ['main'] }, workflowDispatch: {} });
build.addJobs({
  test: {
    name: 'Unit and e2e tests (bash .ci/run)',
    runsOn: ['ubuntu-24.04'],
    permissions: { contents: github.workflows.JobPermission.READ },
    timeoutMinutes: 60,
    env: { CI: 'true' },
    steps: [
      checkout(),
      setupNode(WORKFLOW_NODE_VERSION),
      {
        // The database tests start MariaDB and register a PAM service in /etc/pam.d: root.
        name: 'Run the README test commands',
        run: 'sudo --preserve-env env "PATH=$PATH" bash .ci/run < /dev/null',
      },
    ],
  },
});
finishRendering(build);

new ReleaseWorkflowHardening(project, gh);

project.synth();
