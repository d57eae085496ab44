import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { wildcardArn } from './constructs/wildcard-arn.js';
import type { DeploymentNames } from './naming.js';

/** The token issuer of GitHub Actions; `aud`/`sub` condition keys are prefixed with it. */
const GITHUB_OIDC_ISSUER = 'token.actions.githubusercontent.com';

/** The audience aws-actions/configure-aws-credentials requests. */
const STS_AUDIENCE = 'sts.amazonaws.com';

/** CDK's default bootstrap qualifier (`cdk bootstrap` without `--qualifier`). */
const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

/** The bootstrap roles the CDK CLI assumes, by the suffix of their name. */
const BOOTSTRAP_ROLES = ['deploy', 'file-publishing', 'image-publishing', 'lookup'] as const;
type BootstrapRole = (typeof BOOTSTRAP_ROLES)[number];

/**
 * GitHub's immutable subject claims (`repo:OWNER@<owner id>/REPO@<repository id>:...`): renaming or
 * re-creating an owner or repository of the same name cannot take over the trust.
 */
export interface ImmutableGithubSubject {
  /** Numeric id of the owner (user or organisation), e.g. from `gh api users/OWNER --jq .id`. */
  readonly ownerId: string;
  /** Numeric id of the repository, e.g. from `gh api repos/OWNER/REPO --jq .id`. */
  readonly repositoryId: string;
}

/** A stage deployed into this stack's account: its roles reach its own resources only. */
export interface CiStage {
  /** Stage name = the GitHub deployment environment whose jobs may deploy it (protect it with required reviewers). */
  readonly name: string;
  /** Region of the stage (its CDK bootstrap roles and resources live there). */
  readonly region: string;
  /** The stage's CloudFormation stack, which its diff role may read. */
  readonly appStackName: string;
  /** Names of what the pipeline touches in the stage's stack: image repository, cluster, migration task. */
  readonly deployment: DeploymentNames;
}

export interface CiAccessStackProps extends StackProps {
  /** `OWNER/REPO` whose workflows may assume the roles; nothing else can. */
  readonly githubRepository: string;
  /** The stages in this account, in promotion order: each gets its own deploy and diff role. */
  readonly stages: readonly CiStage[];
  /**
   * ARN of the account's existing GitHub OIDC provider. An account holds one provider per URL, so a
   * second stack creating one fails. @default - this stack creates the provider
   */
  readonly existingOidcProviderArn?: string;
  /** Trust GitHub's immutable subject claims instead of the name-based ones. @default - name-based claims */
  readonly immutableSubject?: ImmutableGithubSubject;
  /** Qualifier of the CDK bootstrap stack in the target account and region. @default 'hnb659fds' */
  readonly bootstrapQualifier?: string;
  /**
   * Other regions every stage's stacks deploy to (its us-east-1 companion for CloudFront): the
   * pipeline may assume the bootstrap roles there too. @default - none
   */
  readonly additionalRegions?: readonly string[];
}

/**
 * What GitHub Actions needs in one AWS account, and nothing more: the GitHub OIDC provider (or an
 * existing one) and, per stage in the account, a deploy role that only jobs of the stage's GitHub
 * environment can assume and a read-only diff role that only the repository's pull requests can
 * assume, each with grants on that stage's resources only. No access key exists: each job exchanges its
 * short-lived OIDC token for a one-hour role session.
 *
 * Deploy it once with administrator credentials (`npx cdk deploy <stack>-ci-access`); the pipeline
 * itself never deploys it. The deploy role does not deploy anything directly: it may assume the CDK
 * bootstrap roles (CloudFormation does the work), push to the app's image repository, and run the
 * app's migration task. Every resource is named exactly (see `naming.ts`), none is created here.
 */
export class CiAccessStack extends Stack {
  /** The OIDC provider the roles trust (created or imported). */
  public readonly oidcProvider: iam.IOidcProvider;
  /** Per stage name: assumed by the deploy and destroy jobs of the stage's environment. */
  public readonly deployRoles: Readonly<Record<string, iam.Role>>;
  /** Per stage name: assumed by the pull-request workflow for that stage's `cdk diff`; read-only. */
  public readonly diffRoles: Readonly<Record<string, iam.Role>>;
  private readonly qualifier: string;
  private readonly additionalRegions: readonly string[];

  constructor(scope: Construct, id: string, props: CiAccessStackProps) {
    super(scope, id, props);
    const { githubRepository } = props;
    if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(githubRepository)) {
      throw new Error(`githubRepository must be OWNER/REPO, got '${githubRepository}'`);
    }
    if (props.stages.length === 0) throw new Error('CiAccessStack needs at least one stage');
    this.qualifier = props.bootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
    this.additionalRegions = props.additionalRegions ?? [];

    this.oidcProvider = props.existingOidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GithubOidcProvider', props.existingOidcProviderArn)
      : new iam.OidcProviderNative(this, 'GithubOidcProvider', {
        url: `https://${GITHUB_OIDC_ISSUER}`,
        clientIds: [STS_AUDIENCE],
        // Other stacks and accounts' pipelines may come to rely on the provider: keep it.
        removalPolicy: RemovalPolicy.RETAIN,
      });

    const subjectPrefix = githubSubjectPrefix(githubRepository, props.immutableSubject);
    const deployRoles: Record<string, iam.Role> = {};
    const diffRoles: Record<string, iam.Role> = {};
    for (const stage of props.stages) {
      const suffix = pascalCase(stage.name);
      const deployRole = new iam.Role(this, `DeployRole${suffix}`, {
        description: `GitHub Actions deploy of ${stage.appStackName}: ${githubRepository}, environment ${stage.name} only`,
        assumedBy: this.githubPrincipal(`${subjectPrefix}:environment:${stage.name}`),
        maxSessionDuration: Duration.hours(1),
      });
      const diffRole = new iam.Role(this, `DiffRole${suffix}`, {
        description: `GitHub Actions cdk diff of ${stage.appStackName}: pull requests of ${githubRepository} only, read-only`,
        assumedBy: this.githubPrincipal(`${subjectPrefix}:pull_request`),
        maxSessionDuration: Duration.hours(1),
      });

      this.grantAssumeBootstrapRoles(deployRole, stage.region, BOOTSTRAP_ROLES);
      this.grantAssumeBootstrapRoles(diffRole, stage.region, ['lookup']);
      this.grantReadStack(diffRole, stage);

      this.grantReadStack(deployRole, stage);
      this.grantPushImage(deployRole, stage);
      this.grantRunMigration(deployRole, stage);

      const variable = stage.name.toUpperCase();
      new CfnOutput(this, `DeployRoleArn${suffix}`, {
        value: deployRole.roleArn,
        description: `Repository variable AWS_DEPLOY_ROLE_ARN_${variable}`,
      });
      new CfnOutput(this, `DiffRoleArn${suffix}`, {
        value: diffRole.roleArn,
        description: `Repository variable AWS_DIFF_ROLE_ARN_${variable}`,
      });
      deployRoles[stage.name] = deployRole;
      diffRoles[stage.name] = diffRole;
    }
    this.deployRoles = deployRoles;
    this.diffRoles = diffRoles;
    new CfnOutput(this, 'GithubOidcProviderArn', {
      value: this.oidcProvider.oidcProviderArn,
      description: 'Pass as context githubOidcProviderArn to other CI-access stacks in this account',
    });
  }

  /** Exact ARN of a CDK bootstrap role in this stack's account and the stage's region. */
  private bootstrapRoleArn(role: BootstrapRole, region: string): string {
    return `arn:${this.partition}:iam::${this.account}:role/cdk-${this.qualifier}-${role}-role-${this.account}-${region}`;
  }

  /** A token from `repo:...` with exactly this `sub` and the STS audience, nothing else (StringEquals, no wildcard). */
  private githubPrincipal(subject: string): iam.IPrincipal {
    return new iam.WebIdentityPrincipal(this.oidcProvider.oidcProviderArn, {
      StringEquals: {
        [`${GITHUB_OIDC_ISSUER}:aud`]: STS_AUDIENCE,
        [`${GITHUB_OIDC_ISSUER}:sub`]: subject,
      },
    });
  }

  private grantAssumeBootstrapRoles(grantee: iam.Role, region: string, roles: readonly BootstrapRole[]): void {
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeCdkBootstrapRoles',
        // The CDK CLI may tag its role sessions; the bootstrap roles' trust policies allow both.
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [region, ...this.additionalRegions.filter((other) => other !== region)]
          .flatMap((each) => roles.map((role) => this.bootstrapRoleArn(role, each))),
      }),
    );
  }

  /** Docker login and pushes to exactly the app's repository (created by the app stack). */
  private grantPushImage(grantee: iam.Role, { region, deployment }: CiStage): void {
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PushAppImage',
        actions: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:BatchGetImage',
          'ecr:CompleteLayerUpload',
          'ecr:DescribeImages',
          'ecr:InitiateLayerUpload',
          'ecr:PutImage',
          'ecr:UploadLayerPart',
        ],
        resources: [`arn:${this.partition}:ecr:${region}:${this.account}:repository/${deployment.imageRepository}`],
      }),
    );
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    );
    Validations.of(grantee).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Only ecr:GetAuthorizationToken (docker login), which supports no resource-level permissions; pushes are limited to the app repository.',
    });
  }

  /**
   * The one-off migration task: run it (only that family, only in the app's cluster), watch it, and
   * pass it the roles under its IAM path, so no other role can ride along as a task override.
   */
  private grantRunMigration(grantee: iam.Role, { region, deployment: names }: CiStage): void {
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RunMigrationTask',
        actions: ['ecs:RunTask'],
        resources: [
          this.wildcardArn(grantee, region, 'ecs', `task-definition/${names.migrationFamily}:*`,
            'Any revision of exactly the migration task family (each deployment registers one), and only in the app cluster.'),
        ],
        conditions: { ArnEquals: { 'ecs:cluster': `arn:${this.partition}:ecs:${region}:${this.account}:cluster/${names.cluster}` } },
      }),
    );
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WatchMigrationTask',
        actions: ['ecs:DescribeTasks'],
        resources: [
          this.wildcardArn(grantee, region, 'ecs', `task/${names.cluster}/*`,
            'Task ids are generated when the migration task starts; the cluster is exact. Read-only.'),
        ],
      }),
    );
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PassMigrationRoles',
        actions: ['iam:PassRole'],
        resources: [
          this.wildcardArn(grantee, region, 'iam', `role${names.migrationRolePath}*`,
            'CloudFormation generates the role names; the IAM path holds only the migration task and execution roles, passed to ECS tasks only.'),
        ],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
  }

  /**
   * What `cdk diff` reads itself when the lookup role is unavailable: the deployed template of the
   * app stack and the bootstrap version.
   */
  private grantReadStack(grantee: iam.Role, { region, appStackName }: CiStage): void {
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAppStack',
        actions: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
        resources: [
          this.wildcardArn(grantee, region, 'cloudformation', `stack/${appStackName}/*`,
            'The stack ARN ends in an id CloudFormation generates at creation; the name is exact.'),
        ],
      }),
    );
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadBootstrapVersion',
        actions: ['ssm:GetParameter'],
        resources: [`arn:${this.partition}:ssm:${region}:${this.account}:parameter/cdk-bootstrap/${this.qualifier}/version`],
      }),
    );
  }

  /** An ARN with a wildcard in `region`, acknowledged on `grantee` with `reason` (see wildcard-arn.ts). */
  private wildcardArn(grantee: iam.Role, region: string, service: string, resource: string, reason: string): string {
    return wildcardArn(grantee, { region, service, resource, reason });
  }
}

/** `dev` → `Dev`, for construct ids and output names. */
function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** `repo:OWNER/REPO`, or with immutable claims `repo:OWNER@<id>/REPO@<id>`. */
export function githubSubjectPrefix(githubRepository: string, immutable?: ImmutableGithubSubject): string {
  if (!immutable) return `repo:${githubRepository}`;
  for (const [key, value] of Object.entries(immutable)) {
    if (!/^[0-9]+$/.test(value)) throw new Error(`immutableSubject.${key} must be a numeric GitHub id, got '${value}'`);
  }
  const [owner, repository] = githubRepository.split('/');
  return `repo:${owner}@${immutable.ownerId}/${repository}@${immutable.repositoryId}`;
}
