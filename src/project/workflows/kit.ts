import { type awscdk, github, javascript } from '../projen-modules.js';
import { checkout, pinned, setupNode } from './actions.js';
import type { ResolvedStage } from '../../answers/index.js';
import { GENERATED_VERSIONS } from '../versions.js';

export const RUNNER = ['ubuntu-24.04'];
/**
 * The service's Fargate tasks are ARM64 (templates/src/constructs/service.ts). The standard x64
 * runners, whose tools (Docker, skopeo, the AWS CLI, jq) are dependable, build for it under QEMU.
 */
export const IMAGE_PLATFORM = 'linux/arm64';
/** CloudFormation parameters of the app stack (templates/src/constructs/service.ts) the deploy sets. */
export const IMAGE_TAG_PARAMETER = 'ImageTag';
export const MIGRATION_IMAGE_TAG_PARAMETER = 'MigrationImageTag';
/** The checkov release this package's own template checks pass with. */
export const CHECKOV_VERSION = '3.3.30';
export const BRANCH = 'main';
/** Where the service's container build lives. */
export const APP_DIRECTORY = 'app';
/** Construct id of the app stack in each stage (templates/src/stages.ts): the CLI selects `<stage>/App`. */
export const APP_STACK_ID = 'App';
/** The id of a stage's us-east-1 companion stack (templates/src/rds-iam-stack.ts `EDGE_STACK_ID`). */
export const EDGE_STACK_ID = 'Edge';
/** The job permissions of a job that assumes an AWS role. */
export const OIDC_PERMISSIONS = { contents: github.workflows.JobPermission.READ, idToken: github.workflows.JobPermission.WRITE };

/** `${{ vars.NAME }}` of a repository variable (set once, see the generated README). */
export function variable(name: string): string {
  return `\${{ vars.${name} }}`;
}

/** Repository variables of one stage: `AWS_DEPLOY_ROLE_ARN_DEV`, ... (outputs of the CI-access stacks). */
export function stageVariables(stage: ResolvedStage) {
  const suffix = stage.name.toUpperCase();
  return {
    deployRole: `AWS_DEPLOY_ROLE_ARN_${suffix}`,
    diffRole: `AWS_DIFF_ROLE_ARN_${suffix}`,
    /** Only for a stage without a configured account: the account its roles must be in. */
    accountId: `AWS_ACCOUNT_ID_${suffix}`,
  };
}

/** The account a stage's jobs must run in: the configured one, or the repository variable. */
export function expectedAccount(stage: ResolvedStage): string {
  return stage.account ?? variable(stageVariables(stage).accountId);
}

/** Job id of a per-stage job, e.g. `deploy-dev`. */
export function stageJobId(prefix: string, stage: ResolvedStage): string {
  return `${prefix}-${stage.name}`;
}

/** Steps every workflow module shares; they depend on the project's package manager. */
export class StepKit {
  constructor(private readonly app: awscdk.AwsCdkTypeScriptApp) {}

  /** Checkout, Node.js, the project's package manager and a frozen install of its lockfile. */
  setupSteps(): github.workflows.JobStep[] {
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
  packageManagerSetup(): github.workflows.JobStep[] {
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
}

/** Exchanges the job's OIDC token for a one-hour session of a stage's role, in the stage's region. */
export function awsCredentials(roleArn: string, region: string, purpose: string): github.workflows.JobStep {
  return {
    name: 'AWS credentials (OIDC, no stored keys)',
    uses: pinned('aws-actions/configure-aws-credentials'),
    with: {
      'role-to-assume': roleArn,
      'aws-region': region,
      'role-session-name': `github-${purpose}-\${{ github.run_id }}`,
      'role-duration-seconds': 3600,
    },
  };
}

/** Stops a job whose role is in another account than the stage's (`AWS_ACCOUNT_ID` in the job's env). */
export function accountGuard(): github.workflows.JobStep {
  return {
    name: 'Check the AWS account',
    run: [
      'actual="$(aws sts get-caller-identity --query Account --output text)"',
      'if [ -z "$AWS_ACCOUNT_ID" ] || [ "$actual" != "$AWS_ACCOUNT_ID" ]; then',
      '  echo "::error::The role is in account $actual, the stage deploys to ${AWS_ACCOUNT_ID:-an account not set}."',
      '  exit 1',
      'fi',
    ].join('\n'),
  };
}

/** Fetches an artifact that an earlier job of the run uploaded. */
export function download(name: string, path?: string): github.workflows.JobStep {
  return { name: `Fetch ${name}`, uses: pinned('actions/download-artifact'), with: { name, ...(path ? { path } : {}) } };
}

/**
 * The template file of a stage's app stack in the cloud assembly, found through the stage's
 * manifest (`cdk.out/assembly-<stage>/`): a shell snippet that sets `template`.
 */
export const FIND_STAGE_TEMPLATE = [
  'assembly="cdk.out/assembly-${STAGE}"',
  'template="${assembly}/$(jq -r --arg path "${STAGE}/' + APP_STACK_ID + '" \'.artifacts[] | select(.displayName == $path) | .properties.templateFile\' "${assembly}/manifest.json")"',
].join('\n');
