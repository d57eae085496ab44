import { type App, Stage } from 'aws-cdk-lib';
import { CiAccessStack, type ImmutableGithubSubject } from './ci-access-stack.js';
import { EDGE_REGION } from './edge-stack.js';
import { ciAccessStackName, deploymentNames } from './naming.js';
import { RdsIamStack } from './rds-iam-stack.js';
import type { StackConfig, StageConfig } from './stack-config.js';

/** Construct id of the app stack inside each stage: the CLI selects it as `<stage>/App`. */
export const APP_STACK_ID = 'App';

export interface StagesOptions {
  /** Account of the stages without one (`CDK_DEFAULT_ACCOUNT`). @default - environment-agnostic account */
  readonly defaultAccount?: string;
  /**
   * `false` lifts every stage's deletion protection, whatever its settings say: only to delete a
   * stage (the destroy workflow deploys it so first). @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * ARNs of existing GitHub OIDC providers (context `githubOidcProviderArn`, comma-separated): an
   * account holds one provider, so each CI-access stack imports the one in its account.
   */
  readonly existingOidcProviderArns?: readonly string[];
  /** Trust GitHub's immutable subject claims (contexts `githubOwnerId` and `githubRepositoryId`). */
  readonly immutableSubject?: ImmutableGithubSubject;
}

export interface DeployedStage {
  readonly config: StageConfig;
  readonly stage: Stage;
  readonly stack: RdsIamStack;
}

/** The stages that share one account, in promotion order. `account` is absent for the deploying credentials' account. */
export interface AccountGroup {
  readonly account?: string;
  readonly stages: readonly StageConfig[];
}

/** Groups the stages by account (stages without one form one group), in order of first appearance. */
export function accountGroups(stages: readonly StageConfig[]): AccountGroup[] {
  const groups = new Map<string | undefined, StageConfig[]>();
  for (const stage of stages) groups.set(stage.account, [...(groups.get(stage.account) ?? []), stage]);
  return [...groups].map(([account, members]) => ({ ...(account ? { account } : {}), stages: members }));
}

/**
 * One CDK `Stage` per configured stage, each holding that stage's app stack (`<stack>-<stage>`),
 * and, with a GitHub repository, one CI-access stack per account whose roles reach only the
 * stages in that account. Deployed once by an administrator per account; the pipeline then
 * deploys only the stages.
 */
export function addStages(app: App, config: StackConfig, options: StagesOptions = {}): { stages: DeployedStage[]; ciAccess: CiAccessStack[] } {
  const stages = config.stages.map((stageConfig) => {
    const stage = new Stage(app, stageConfig.name, {
      env: { account: stageConfig.account ?? options.defaultAccount, region: stageConfig.region },
    });
    const stack = new RdsIamStack(stage, APP_STACK_ID, {
      config,
      stage: stageConfig,
      deletionProtection: options.deletionProtection,
      stackName: stageConfig.stackName,
      description: `${config.projectName} (${stageConfig.name}, ${stageConfig.profile}): zero-secret MySQL (RDS for MySQL 8.4, RDS Proxy, IAM auth)`,
    });
    return { config: stageConfig, stage, stack };
  });

  const ciAccess: CiAccessStack[] = [];
  const { githubRepository } = config;
  if (githubRepository) {
    const groups = accountGroups(config.stages);
    for (const group of groups) {
      const first = group.stages[0]!;
      const name = ciAccessStackName(config.stackName, groups.length > 1 ? first.name : undefined);
      ciAccess.push(new CiAccessStack(app, name, {
        githubRepository,
        stages: group.stages.map((stage) => ({
          name: stage.name,
          region: stage.region,
          appStackName: stage.stackName,
          deployment: deploymentNames(stage.stackName),
        })),
        additionalRegions: [EDGE_REGION],
        existingOidcProviderArn: providerIn(group.account, options.existingOidcProviderArns ?? [], config.stages),
        immutableSubject: options.immutableSubject,
        env: { account: group.account ?? options.defaultAccount, region: first.region },
        description: `${config.projectName}: GitHub Actions OIDC access for ${group.stages.map((stage) => stage.name).join(', ')} (deploy and diff roles)`,
      }));
    }
  }
  return { stages, ciAccess };
}

/**
 * The provider ARN in `account`; for the stages without an account, the one ARN that is not in
 * another stage's account.
 */
function providerIn(account: string | undefined, arns: readonly string[], stages: readonly StageConfig[]): string | undefined {
  const accountOf = (arn: string) => arn.split(':')[4];
  if (account) return arns.find((arn) => accountOf(arn) === account);
  const named = new Set(stages.map((stage) => stage.account));
  return arns.find((arn) => !named.has(accountOf(arn)));
}
