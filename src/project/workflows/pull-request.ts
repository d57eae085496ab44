import { github } from '../projen-modules.js';
import { armEmulation, checkout, pinned } from './actions.js';
import {
  APP_DIRECTORY,
  APP_STACK_ID,
  awsCredentials,
  BRANCH,
  CHECKOV_VERSION,
  download,
  IMAGE_PLATFORM,
  OIDC_PERMISSIONS,
  RUNNER,
  stageJobId,
  stageVariables,
  type StepKit,
  variable,
} from './kit.js';
import type { ResolvedStage } from '../../answers/index.js';

/** Marks the one pull-request comment the diff jobs keep up to date. */
export const DIFF_COMMENT_MARKER = '<!-- cdk-diff -->';

/**
 * `pull-request.yml`: install, the full test suite with eslint (MariaDB + root for the PAM token
 * tests), synth with cdk-nag, checkov on cdk.out, the container build with a Trivy scan, and with a
 * repository `cdk diff` against every stage through that stage's read-only role, posted as one
 * comment that later runs update.
 */
export function renderPullRequest(gh: github.GitHub, kit: StepKit, stackName: string, stages: readonly ResolvedStage[], withDiff: boolean): void {
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
        ...kit.setupSteps(),
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
      env: { IMAGE: `${stackName.toLowerCase()}-app:pr` },
      steps: [
        checkout(),
        armEmulation(),
        {
          name: 'Build the image',
          env: { APP_DIR: APP_DIRECTORY, PLATFORM: IMAGE_PLATFORM },
          run: 'docker build --pull --platform "$PLATFORM" --tag "$IMAGE" "$APP_DIR"',
        },
        trivyScan('${{ env.IMAGE }}'),
      ],
    },
  });
  if (withDiff) wf.addJobs(diffJobs(kit, stages));
}

/** Trivy on a local image: fails on fixable CRITICAL/HIGH findings. */
export function trivyScan(imageRef: string): github.workflows.JobStep {
  return {
    name: 'Scan the image: fail on fixable CRITICAL/HIGH',
    uses: pinned('aquasecurity/trivy-action'),
    with: { 'image-ref': imageRef, 'severity': 'CRITICAL,HIGH', 'ignore-unfixed': true, 'exit-code': '1', 'format': 'table' },
  };
}

/** One read-only `cdk diff` job per stage, and the one job that may comment on the pull request. */
function diffJobs(kit: StepKit, stages: readonly ResolvedStage[]): Record<string, github.workflows.Job> {
  const diffs = Object.fromEntries(
    stages.map((stage): [string, github.workflows.Job] => [
      stageJobId('diff', stage),
      {
        name: `cdk diff ${stage.name}`,
        needs: ['build'],
        // Fork pull requests get no OIDC token, and the diff roles trust this repository only.
        if: 'github.event.pull_request.head.repo.full_name == github.repository',
        runsOn: RUNNER,
        permissions: OIDC_PERMISSIONS,
        timeoutMinutes: 20,
        env: { STAGE: stage.name, STACK: stage.stackName },
        steps: [
          ...kit.setupSteps(),
          download('cdk-out', 'cdk.out'),
          awsCredentials(variable(stageVariables(stage).diffRole), stage.region, `cdk-diff-${stage.name}`),
          {
            name: `cdk diff (${stage.name})`,
            run: [
              'set -o pipefail',
              // Without a change set the diff reads the deployed template through the lookup role.
              `npx cdk diff --app cdk.out --no-change-set --no-color "\${STAGE}/${APP_STACK_ID}" 2>&1 | tee cdk-diff.txt`,
              '{',
              '  echo "### \\`$STAGE\\`: \\`$STACK\\`"',
              '  echo',
              "  echo '```diff'",
              // A comment holds at most 65,536 characters, shared by every stage.
              `  head -c ${Math.floor(60_000 / stages.length)} cdk-diff.txt`,
              "  echo '```'",
              '} > "cdk-diff-${STAGE}.md"',
              'cat "cdk-diff-${STAGE}.md" >> "$GITHUB_STEP_SUMMARY"',
            ].join('\n'),
          },
          {
            name: 'Keep the diff for the comment',
            uses: pinned('actions/upload-artifact'),
            with: { 'name': `cdk-diff-${stage.name}`, 'path': `cdk-diff-${stage.name}.md`, 'retention-days': 1 },
          },
        ],
      },
    ]),
  );
  return {
    ...diffs,
    comment: {
      name: 'Post the diffs on the pull request',
      needs: Object.keys(diffs),
      runsOn: RUNNER,
      // The only job that may write to the pull request holds no AWS credentials.
      permissions: { pullRequests: github.workflows.JobPermission.WRITE },
      timeoutMinutes: 5,
      steps: [
        ...stages.map((stage) => download(`cdk-diff-${stage.name}`)),
        {
          name: 'Create or update the diff comment',
          env: {
            GH_TOKEN: '${{ github.token }}',
            PR_NUMBER: '${{ github.event.pull_request.number }}',
            MARKER: DIFF_COMMENT_MARKER,
            // Promotion order: the comment lists the stages as the deploy reaches them.
            STAGES: stages.map((stage) => stage.name).join(' '),
          },
          run: [
            '{',
            '  echo "$MARKER"',
            '  echo "## cdk diff, stage by stage"',
            '  for stage in $STAGES; do echo; cat "cdk-diff-${stage}.md"; done',
            '  echo',
            '  echo "Commit ${GITHUB_SHA:0:7}; synthesized with cdk-nag."',
            '} > cdk-diff.md',
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
