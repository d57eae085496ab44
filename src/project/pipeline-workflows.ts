import { type awscdk, Component, github, type IResolver, javascript } from 'projen';
import { refreshBaseImageDigestsStep } from './base-image-pins.js';
import { imageRepositoryOf, stackNameOf } from './stack-name.js';
import { GENERATED_VERSIONS } from './versions.js';
import type { StackAnswers } from '../answers/index.js';

/**
 * Every action the generated workflows use, pinned to the full commit SHA of a release (tags can be
 * moved: in 2026 most tags of a popular security action were force-pushed to a credential stealer).
 * Each SHA was taken from a public source that states it together with its tag; see the README of
 * this package. Bump SHA and version together.
 */
export const PINNED_ACTIONS = {
  'actions/checkout': { sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  'actions/setup-node': { sha: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  'actions/upload-artifact': { sha: '043fb46d1a93c77aae656e7c1c64a875d1fc6a0a', version: 'v7.0.1' },
  'actions/download-artifact': { sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', version: 'v8.0.1' },
  'aws-actions/configure-aws-credentials': { sha: 'ec61189d14ec14c8efccab744f656cffd0e33f37', version: 'v6.1.0' },
  'aquasecurity/trivy-action': { sha: '57a97c7e7821a5776cebc9bb87c984fa69cba8f1', version: 'v0.35.0' },
  'peter-evans/create-pull-request': { sha: '5f6978faf089d4d20b00c7766989d076bb2fc7f1', version: 'v8.1.1' },
  'docker/setup-qemu-action': { sha: 'ce360397dd3f832beb865e1373c09c0e9f86d70a', version: 'v4.0.0' },
} as const;

export type PinnedAction = keyof typeof PINNED_ACTIONS;

/** `owner/repo@<sha>` of a pinned action. */
export function pinned(action: PinnedAction): string {
  return `${action}@${PINNED_ACTIONS[action].sha}`;
}

/** Pins the actions projen's own workflows (upgrade) take from `gh.actions` the same way. */
export function pinActions(gh: github.GitHub): void {
  for (const action of Object.keys(PINNED_ACTIONS) as PinnedAction[]) gh.actions.set(action, pinned(action));
}

/** A checkout that does not keep the token. */
export function checkout(): github.workflows.JobStep {
  return { name: 'Checkout', uses: pinned('actions/checkout'), with: { 'persist-credentials': false } };
}

/** setup-node with a Node.js version and, optionally, npm's cache. */
export function setupNode(nodeVersion: string, cache?: 'npm'): github.workflows.JobStep {
  return { name: 'Set up Node.js', uses: pinned('actions/setup-node'), with: { 'node-version': nodeVersion, ...(cache && { cache }) } };
}

const RUNNER = ['ubuntu-24.04'];
/**
 * The service's Fargate tasks are ARM64 (templates/src/constructs/service.ts). The standard x64
 * runners, whose tools (Docker, the AWS CLI, jq) are dependable, build for it under QEMU.
 */
const IMAGE_PLATFORM = 'linux/arm64';
/** CloudFormation parameters of the app stack (templates/src/constructs/service.ts) the deploy sets. */
const IMAGE_TAG_PARAMETER = 'ImageTag';
const MIGRATION_IMAGE_TAG_PARAMETER = 'MigrationImageTag';
/** The checkov release this package's own template checks pass with. */
const CHECKOV_VERSION = '3.3.30';
const BRANCH = 'main';
/** GitHub deployment environment of the deploy and destroy jobs (the deploy role trusts only it). */
const ENVIRONMENT = 'production';
/** Where the service's container build lives. */
const APP_DIRECTORY = 'app';
/** Repository variables the workflows read (set once, see the generated README). */
const VARS = {
  accountId: '${{ vars.AWS_ACCOUNT_ID }}',
  deployRole: '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
  diffRole: '${{ vars.AWS_DIFF_ROLE_ARN }}',
};
/** The CDK context value under which the generated stack has no deletion protection (templates/src/main.ts). */
export const DELETION_PROTECTION_OFF = 'deletionProtection=false';
/** Marks the one pull-request comment the diff job keeps up to date. */
export const DIFF_COMMENT_MARKER = '<!-- cdk-diff -->';

/**
 * The generated repository's GitHub Actions pipeline, rendered (managed) by the project type:
 *
 * - `pull-request.yml`: install, the full test suite with eslint (MariaDB + root for the PAM token tests),
 *   synth with cdk-nag, checkov on cdk.out, the container build with a Trivy scan, and `cdk diff`
 *   with the read-only diff role, posted as one pull-request comment that later runs update.
 * - `deploy.yml` (push to main): image build and push (tag = commit SHA), `cdk deploy` with the deploy
 *   role in the `production` environment, one deployment at a time, outputs in the job summary.
 * - `destroy.yml` (manual): refuses unless the stack name is typed; runs in the protected environment.
 * - `upgrade.yml`: projen's weekly dependency upgrade (this package included), as a pull request.
 *
 * Hardening that every workflow shares: `permissions: {}` at the top and the least per job, actions
 * pinned by SHA with the version in a comment, no `${{ }}` expression inside a `run:` script (values
 * reach scripts through `env:`), checkouts that do not keep the token.
 */
export class PipelineWorkflows extends Component {
  private readonly stackName: string;
  private readonly region: string;

  constructor(private readonly app: awscdk.AwsCdkTypeScriptApp, answers: StackAnswers) {
    super(app);
    const gh = app.github;
    if (!gh) throw new Error('PipelineWorkflows needs the project to have GitHub enabled');
    this.stackName = stackNameOf(answers.name);
    this.region = answers.region;
    const deploys = answers.githubRepository !== undefined;

    pinActions(gh);

    // Without a repository there is no OIDC trust: the pull-request checks only, no AWS access.
    this.renderPullRequest(gh, deploys);
    if (deploys) {
      this.renderDeploy(gh);
      this.renderDestroy(gh);
    }
    this.hardenUpgradeWorkflow(gh);

    for (const workflow of gh.workflows) finishRendering(workflow);
  }

  // ---------------------------------------------------------------- pull request

  private renderPullRequest(gh: github.GitHub, withDiff: boolean): void {
    const wf = new github.GithubWorkflow(gh, 'pull-request', {
      limitConcurrency: true,
      concurrencyOptions: { group: '${{ github.workflow }}-${{ github.event.pull_request.number }}', cancelInProgress: true },
    });
    wf.on({ pullRequest: { branches: [BRANCH] } });

    wf.addJobs({
      build: {
        name: 'Lint, test, synth, checkov',
        runsOn: RUNNER,
        permissions: { contents: github.workflows.JobPermission.READ },
        timeoutMinutes: 45,
        env: { CI: 'true' },
        steps: [
          ...this.setupSteps(),
          {
            name: 'Managed files are up to date',
            run: ['npx projen', 'git diff --exit-code || { echo "::error::Run npx projen and commit the result."; exit 1; }'].join('\n'),
          },
          {
            // The database tests start MariaDB and register a PAM service in /etc/pam.d: root.
            name: 'Install MariaDB (database tests)',
            run: 'sudo apt-get update -q\nsudo apt-get install -y -q --no-install-recommends mariadb-server',
          },
          {
            name: 'Test',
            run: ['sudo --preserve-env env "PATH=$PATH" npx projen test', 'sudo chown -R "$(id -u):$(id -g)" .'].join('\n'),
          },
          { name: 'Synth (cdk-nag)', run: 'npx projen synth:silent' },
          {
            name: 'checkov on cdk.out',
            env: { CHECKOV_VERSION },
            run: [
              'pipx run --spec "checkov==${CHECKOV_VERSION}" checkov --directory cdk.out --framework cloudformation \\',
              '  --compact --quiet --skip-download',
            ].join('\n'),
          },
          {
            name: 'Keep the cloud assembly for the diff',
            uses: pinned('actions/upload-artifact'),
            with: { 'name': 'cdk-out', 'path': 'cdk.out', 'retention-days': 1, 'if-no-files-found': 'error' },
          },
        ],
      },
      image: {
        name: 'Container build and vulnerability scan',
        runsOn: RUNNER,
        permissions: { contents: github.workflows.JobPermission.READ },
        timeoutMinutes: 20,
        env: { IMAGE: `${this.stackName.toLowerCase()}-app:pr` },
        steps: [
          checkout(),
          armEmulation(),
          {
            name: 'Build the image',
            env: { APP_DIR: APP_DIRECTORY, PLATFORM: IMAGE_PLATFORM },
            run: 'docker build --pull --platform "$PLATFORM" --tag "$IMAGE" "$APP_DIR"',
          },
          {
            name: 'Scan the image: fail on fixable CRITICAL/HIGH',
            uses: pinned('aquasecurity/trivy-action'),
            with: {
              'image-ref': '${{ env.IMAGE }}',
              'severity': 'CRITICAL,HIGH',
              'ignore-unfixed': true,
              'exit-code': '1',
              'format': 'table',
            },
          },
        ],
      },
    });
    if (withDiff) wf.addJobs(this.diffJobs());
  }

  /** `cdk diff` with the read-only role, and the one job that may comment on the pull request. */
  private diffJobs(): Record<string, github.workflows.Job> {
    return {
      diff: {
        name: 'cdk diff',
        needs: ['build'],
        // Fork pull requests get no OIDC token, and the diff role trusts this repository only.
        if: 'github.event.pull_request.head.repo.full_name == github.repository',
        runsOn: RUNNER,
        permissions: { contents: github.workflows.JobPermission.READ, idToken: github.workflows.JobPermission.WRITE },
        timeoutMinutes: 20,
        steps: [
          ...this.setupSteps(),
          {
            name: 'Fetch the cloud assembly',
            uses: pinned('actions/download-artifact'),
            with: { name: 'cdk-out', path: 'cdk.out' },
          },
          this.awsCredentials(VARS.diffRole, 'cdk-diff'),
          {
            name: 'cdk diff',
            env: { STACK: this.stackName },
            run: [
              'set -o pipefail',
              // Without a change set the diff reads the deployed template through the lookup role.
              'npx cdk diff --app cdk.out --no-change-set --no-color "$STACK" 2>&1 | tee cdk-diff.txt',
              '{',
              `  echo '${DIFF_COMMENT_MARKER}'`,
              '  echo "### cdk diff: \\`$STACK\\`"',
              '  echo',
              "  echo '```diff'",
              // A comment holds at most 65,536 characters.
              '  head -c 60000 cdk-diff.txt',
              "  echo '```'",
              '  echo',
              '  echo "Commit ${GITHUB_SHA:0:7}; synthesized with cdk-nag."',
              '} > cdk-diff.md',
              'cat cdk-diff.md >> "$GITHUB_STEP_SUMMARY"',
            ].join('\n'),
          },
          {
            name: 'Keep the diff for the comment',
            uses: pinned('actions/upload-artifact'),
            with: { 'name': 'cdk-diff', 'path': 'cdk-diff.md', 'retention-days': 1 },
          },
        ],
      },
      comment: {
        name: 'Post the diff on the pull request',
        needs: ['diff'],
        runsOn: RUNNER,
        // The only job that may write to the pull request holds no AWS credentials.
        permissions: { pullRequests: github.workflows.JobPermission.WRITE },
        timeoutMinutes: 5,
        steps: [
          { name: 'Fetch the diff', uses: pinned('actions/download-artifact'), with: { name: 'cdk-diff' } },
          {
            name: 'Create or update the diff comment',
            env: {
              GH_TOKEN: '${{ github.token }}',
              PR_NUMBER: '${{ github.event.pull_request.number }}',
              MARKER: DIFF_COMMENT_MARKER,
            },
            run: [
              'comments="repos/${GITHUB_REPOSITORY}/issues/${PR_NUMBER}/comments"',
              'id="$(gh api --paginate "$comments" \\',
              '  --jq ".[] | select(.user.login == \\"github-actions[bot]\\" and (.body | startswith(\\"$MARKER\\"))) | .id" | head -n 1)"',
              'if [ -n "$id" ]; then',
              '  gh api --method PATCH "repos/${GITHUB_REPOSITORY}/issues/comments/${id}" -F body=@cdk-diff.md > /dev/null',
              'else',
              '  gh api --method POST "$comments" -F body=@cdk-diff.md > /dev/null',
              'fi',
            ].join('\n'),
          },
        ],
      },
    };
  }

  // ---------------------------------------------------------------- deploy

  private renderDeploy(gh: github.GitHub): void {
    const wf = new github.GithubWorkflow(gh, 'deploy', {
      limitConcurrency: true,
      // One deployment at a time; a newer push waits instead of cancelling one half-way.
      concurrencyOptions: { group: `deploy-${ENVIRONMENT}`, cancelInProgress: false },
    });
    wf.on({ push: { branches: [BRANCH] } });
    wf.addJobs({
      deploy: {
        name: `Deploy ${this.stackName}`,
        runsOn: RUNNER,
        environment: ENVIRONMENT,
        permissions: { contents: github.workflows.JobPermission.READ, idToken: github.workflows.JobPermission.WRITE },
        timeoutMinutes: 90,
        env: {
          STACK: this.stackName,
          IMAGE_REPOSITORY: imageRepositoryOf(this.stackName),
          APP_DIR: APP_DIRECTORY,
          PLATFORM: IMAGE_PLATFORM,
          AWS_ACCOUNT_ID: VARS.accountId,
        },
        steps: [
          ...this.setupSteps(),
          armEmulation(),
          this.awsCredentials(VARS.deployRole, 'deploy'),
          this.accountGuard(),
          {
            // One cloud assembly for every step below: the deploys ship exactly what was checked.
            name: 'Synthesize (cdk-nag included)',
            run: 'npx cdk synth --quiet --no-color',
          },
          {
            // The image repository belongs to the stack: the first deployment creates both, with
            // the service at 0 tasks until an image tag is set below.
            name: 'Create the stack on the first deployment',
            run: [
              'if ! aws cloudformation describe-stacks --stack-name "$STACK" > /dev/null 2>&1; then',
              '  npx cdk deploy --app cdk.out "$STACK" --require-approval never --no-color',
              'fi',
            ].join('\n'),
          },
          {
            name: 'Build and push the image (tag = commit SHA)',
            run: [
              'registry="${AWS_ACCOUNT_ID}.dkr.ecr.${AWS_REGION}.amazonaws.com"',
              'aws ecr get-login-password | docker login --username AWS --password-stdin "$registry"',
              'image="${registry}/${IMAGE_REPOSITORY}:${GITHUB_SHA}"',
              'docker build --pull --platform "$PLATFORM" --tag "$image" "$APP_DIR"',
              'docker push "$image"',
            ].join('\n'),
          },
          {
            // Migrations first, on the new image; the service still runs the previous one. Only when
            // they succeed does the next step roll the service: new code never meets an old schema.
            name: 'Run the schema migrations (when a schema-owner user exists)',
            run: [
              `if ! jq -e '.Parameters.${MIGRATION_IMAGE_TAG_PARAMETER}' "cdk.out/\${STACK}.template.json" > /dev/null; then`,
              '  echo "No migration task: no schema-owner user besides the app user."',
              '  exit 0',
              'fi',
              'npx cdk deploy --app cdk.out "$STACK" --require-approval never --no-color \\',
              `  --parameters "\${STACK}:${MIGRATION_IMAGE_TAG_PARAMETER}=\${GITHUB_SHA}" --outputs-file migration-outputs.json`,
              'input="$(jq -r --arg stack "$STACK" \'.[$stack].MigrationRunTaskInput\' migration-outputs.json)"',
              'task="$(aws ecs run-task --cli-input-json "$input" --started-by "deploy-${GITHUB_SHA:0:7}" \\',
              '  --query "tasks[0].taskArn" --output text)"',
              'cluster="$(jq -r .cluster <<< "$input")"',
              'echo "Migration task: $task"',
              'aws ecs wait tasks-stopped --cluster "$cluster" --tasks "$task"',
              'code="$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" \\',
              '  --query "tasks[0].containers[?name==\'migrate\'].exitCode | [0]" --output text)"',
              'if [ "$code" != "0" ]; then',
              '  echo "::error::The migration task exited with ${code}; the service keeps the previous image. Logs: stream prefix migrate."',
              '  exit 1',
              'fi',
            ].join('\n'),
          },
          {
            // The service runs the image tagged with the deployed commit: changing the tag rolls it,
            // and CloudFormation waits until the new tasks are healthy.
            name: 'cdk deploy (rolls the service)',
            run: [
              // Scoped to the app stack: cdk deploy also deploys its us-east-1 companion, which has no such parameters.
              `parameters=(--parameters "\${STACK}:${IMAGE_TAG_PARAMETER}=\${GITHUB_SHA}")`,
              `if jq -e '.Parameters.${MIGRATION_IMAGE_TAG_PARAMETER}' "cdk.out/\${STACK}.template.json" > /dev/null; then`,
              `  parameters+=(--parameters "\${STACK}:${MIGRATION_IMAGE_TAG_PARAMETER}=\${GITHUB_SHA}")`,
              'fi',
              'npx cdk deploy --app cdk.out "$STACK" --require-approval never --no-color "${parameters[@]}" \\',
              '  --outputs-file cdk-outputs.json',
            ].join('\n'),
          },
          {
            name: 'Stack outputs',
            if: 'always()',
            run: [
              'test -f cdk-outputs.json || exit 0',
              '{',
              '  echo "### Outputs of \\`$STACK\\` (commit ${GITHUB_SHA:0:7})"',
              '  echo',
              '  echo "| Output | Value |"',
              '  echo "| --- | --- |"',
              '  jq -r --arg stack "$STACK" \'.[$stack] // {} | to_entries[] | "| \\(.key) | `\\(.value)` |"\' cdk-outputs.json',
              '} >> "$GITHUB_STEP_SUMMARY"',
            ].join('\n'),
          },
        ],
      },
    });
  }

  // ---------------------------------------------------------------- destroy

  private renderDestroy(gh: github.GitHub): void {
    const wf = new github.GithubWorkflow(gh, 'destroy', {
      limitConcurrency: true,
      // Never at the same time as a deployment.
      concurrencyOptions: { group: `deploy-${ENVIRONMENT}`, cancelInProgress: false },
    });
    wf.on({
      workflowDispatch: {
        inputs: {
          // projen renders input names in snake_case.
          stack_name: {
            description: `Type the stack name (${this.stackName}) to destroy it`,
            required: true,
            type: 'string',
          },
        },
      },
    });
    wf.addJobs({
      confirm: {
        name: 'Refuse unless the stack name was typed',
        runsOn: RUNNER,
        permissions: {},
        timeoutMinutes: 5,
        steps: [
          {
            name: 'Compare the typed name',
            // Through env only: the input never becomes part of the script.
            env: { TYPED: '${{ inputs.stack_name }}', STACK: this.stackName },
            run: [
              'if [ "$TYPED" != "$STACK" ]; then',
              '  echo "::error::Refusing to destroy: the typed name does not match the stack name."',
              '  exit 1',
              'fi',
              `if [ "$GITHUB_REF" != "refs/heads/${BRANCH}" ]; then`,
              `  echo "::error::Refusing to destroy from a ref other than ${BRANCH}."`,
              '  exit 1',
              'fi',
            ].join('\n'),
          },
        ],
      },
      destroy: {
        name: `Destroy ${this.stackName}`,
        needs: ['confirm'],
        runsOn: RUNNER,
        // Same protected environment as deploys: its reviewers approve the destroy too.
        environment: ENVIRONMENT,
        permissions: { contents: github.workflows.JobPermission.READ, idToken: github.workflows.JobPermission.WRITE },
        timeoutMinutes: 90,
        env: { STACK: this.stackName, AWS_ACCOUNT_ID: VARS.accountId },
        steps: [
          ...this.setupSteps(),
          this.awsCredentials(VARS.deployRole, 'destroy'),
          this.accountGuard(),
          {
            // CloudFormation cannot delete a deletion-protected resource (the database, the load
            // balancer): the stack turns protection off under this context value (src/main.ts), so
            // deploy that first. Parameters keep their previous values.
            name: 'Turn off deletion protection',
            run: `npx cdk deploy "$STACK" --context ${DELETION_PROTECTION_OFF} --require-approval never --no-color`,
          },
          {
            name: 'cdk destroy',
            run: `npx cdk destroy "$STACK" --context ${DELETION_PROTECTION_OFF} --force --no-color`,
          },
        ],
      },
    });
  }

  // ---------------------------------------------------------------- upgrade

  /**
   * projen's upgrade workflow: checkouts without a kept token, its package-manager set-up replaced
   * by ours (every action pinned), scripts without expressions, one run at a time. Steps are found
   * by their ids: their positions depend on the package manager.
   */
  private hardenUpgradeWorkflow(gh: github.GitHub): void {
    const upgrade = gh.tryFindWorkflow('upgrade');
    if (!upgrade) throw new Error("projen's upgrade workflow is missing (depsUpgrade is part of pipelineProjectOptions)");
    const runs: Record<string, string> = {
      // The same steps as projen's: the output file quoted (shellcheck SC2086), the patch path
      // through the environment instead of an expression.
      create_patch: 'git add .\ngit diff --staged --patch --exit-code > repo.patch || echo "patch_created=true" >> "$GITHUB_OUTPUT"',
      apply_patch: '[ -s "$RUNNER_TEMP/repo.patch" ] && git apply "$RUNNER_TEMP/repo.patch" || echo "Empty patch. Skipping."',
    };
    for (const id of ['upgrade', 'pr']) {
      const job = upgrade.getJob(id) as github.workflows.Job;
      const steps = job.steps.flatMap((step): github.workflows.JobStep[] => {
        // create-pull-request pushes with its own token input; neither checkout needs to keep one.
        if (step.id === 'checkout') return [{ ...step, with: { ...step.with, 'persist-credentials': false } }];
        if (step.id === 'setup_pnpm' || step.id === 'setup_bun') return this.packageManagerSetup().map((setup) => ({ ...setup, id: step.id }));
        // The base image moves with the dependencies, in the same pull request.
        if (step.id === 'create_patch') return [refreshBaseImageDigestsStep(), { ...step, run: runs[step.id] }];
        if (step.id && runs[step.id]) return [{ ...step, run: runs[step.id] }];
        return [step];
      });
      upgrade.updateJob(id, { ...job, steps });
    }
    upgrade.file?.addOverride('concurrency', { 'group': '${{ github.workflow }}', 'cancel-in-progress': false });
  }

  // ---------------------------------------------------------------- shared steps

  /** Checkout, Node.js, the project's package manager and a frozen install of its lockfile. */
  private setupSteps(): github.workflows.JobStep[] {
    const npm = this.app.package.packageManager === javascript.NodePackageManager.NPM;
    const node = setupNode(GENERATED_VERSIONS.nodeWorkflow, npm ? 'npm' : undefined);
    return [
      checkout(),
      // In projen's order: the package manager first; setup-node then caches only npm's downloads
      // (its automatic cache would look for a package manager through package.json's packageManager).
      ...this.packageManagerSetup(),
      npm ? node : { ...node, with: { ...node.with, 'package-manager-cache': false } },
      { name: 'Install dependencies', run: this.app.package.installCommand },
    ];
  }

  /**
   * The package manager, when it is not npm, without third-party actions (projen's would be
   * unpinned): pnpm and Yarn Berry through corepack, at the version package.json's packageManager
   * names; bun from the npm registry at projen's version; Yarn Classic is on the runners.
   */
  private packageManagerSetup(): github.workflows.JobStep[] {
    const pkg = this.app.package;
    switch (pkg.packageManager) {
      case javascript.NodePackageManager.PNPM:
      case javascript.NodePackageManager.YARN_BERRY:
      case javascript.NodePackageManager.YARN2:
        return [{ name: 'Enable corepack', run: 'corepack enable' }];
      case javascript.NodePackageManager.BUN:
        return [{ name: 'Set up bun', run: `npm install --global bun@${pkg.bunVersion ?? 'latest'}` }];
      default:
        return [];
    }
  }

  private awsCredentials(roleArn: string, purpose: string): github.workflows.JobStep {
    return {
      name: 'AWS credentials (OIDC, no stored keys)',
      uses: pinned('aws-actions/configure-aws-credentials'),
      with: {
        'role-to-assume': roleArn,
        'aws-region': this.region,
        'role-session-name': `github-${purpose}-\${{ github.run_id }}`,
        'role-duration-seconds': 3600,
      },
    };
  }

  /** Stops a job whose role is in another account than the one the repository names. */
  private accountGuard(): github.workflows.JobStep {
    return {
      name: 'Check the AWS account',
      run: [
        'actual="$(aws sts get-caller-identity --query Account --output text)"',
        'if [ -z "$AWS_ACCOUNT_ID" ] || [ "$actual" != "$AWS_ACCOUNT_ID" ]; then',
        '  echo "::error::The role is in account $actual, the repository variable AWS_ACCOUNT_ID says ${AWS_ACCOUNT_ID:-nothing}."',
        '  exit 1',
        'fi',
      ].join('\n'),
    };
  }
}

/** Settings the project type passes to projen so that the pipeline above replaces projen's defaults. */
export function pipelineProjectOptions() {
  return {
    // The pull-request workflow replaces projen's build workflow (whose self-mutation job would push
    // with a stored token) and its pull_request_target title lint.
    buildWorkflow: false,
    githubOptions: { mergify: false, pullRequestLint: false },
    depsUpgrade: true,
    depsUpgradeOptions: {
      workflowOptions: { schedule: javascript.UpgradeDependenciesSchedule.WEEKLY, labels: ['dependencies'] },
    },
  } satisfies Partial<awscdk.AwsCdkTypeScriptAppOptions>;
}

/** QEMU for the arm64 image build on an x64 runner. */
function armEmulation(): github.workflows.JobStep {
  return { name: 'Set up QEMU (arm64 emulation)', uses: pinned('docker/setup-qemu-action'), with: { platforms: 'arm64' } };
}

/** Why a job holds a permission (zizmor asks for the reason next to it). */
const PERMISSION_REASONS: Readonly<Record<string, string>> = {
  'contents: read': 'check out the repository',
  'id-token: write': 'OIDC token, exchanged for a one-hour AWS role session',
  'pull-requests: write': 'create or update the one diff comment',
};

/**
 * Post-processes the rendered YAML of a workflow, for what projen's renderer cannot express:
 * comments (`# vX.Y.Z` after every pinned `uses:`, where a SHA without a known version fails the
 * synthesis; the reason after each permission), and `permissions: {}` at the top (projen's override merge drops empty objects), so
 * that every job gets only the permissions it states. `reasons` adds or replaces reasons for a
 * workflow whose jobs hold a permission for another purpose.
 */
export function finishRendering(workflow: github.GithubWorkflow, reasons: Readonly<Record<string, string>> = {}): void {
  const permissionReasons = { ...PERMISSION_REASONS, ...reasons };
  const permissionLine = new RegExp(`^(\\s+)(${Object.keys(permissionReasons).join('|')})$`, 'gm');
  const file = workflow.file as unknown as { synthesizeContent(resolver: IResolver): string | undefined } | undefined;
  if (!file) return;
  const render = file.synthesizeContent.bind(file);
  file.synthesizeContent = (resolver: IResolver) => {
    const text = render(resolver);
    return text
      ?.replace(permissionLine, (_line, indent: string, permission: string) =>
        `${indent}${permission} # ${permissionReasons[permission]}`)
      .replace(/^jobs:$/m, (jobs) => (/^permissions:/m.test(text) ? jobs : `permissions: {}\n${jobs}`))
      .replace(/^(\s*(?:- )?uses: )([\w.-]+\/[\w./-]+)@([0-9a-f]{40})[ \t]*$/gm, (_line, prefix: string, action: string, sha: string) => {
        const pin = PINNED_ACTIONS[action as PinnedAction];
        if (!pin || pin.sha !== sha) throw new Error(`${workflow.name}: ${action}@${sha} is not in PINNED_ACTIONS`);
        return `${prefix}${action}@${sha} # ${pin.version}`;
      });
  };
}
