import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
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

export interface CiAccessStackProps extends StackProps {
  /** `OWNER/REPO` whose workflows may assume the roles; nothing else can. */
  readonly githubRepository: string;
  /** The CloudFormation stack the pipeline diffs and deploys (the diff role may read only this one). */
  readonly appStackName: string;
  /** Names of what the pipeline touches in the app stack: image repository, cluster, migration task. */
  readonly deployment: DeploymentNames;
  /** GitHub deployment environment whose jobs may deploy (protect it with required reviewers). @default 'production' */
  readonly deployEnvironment?: string;
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
   * Other regions the app's stacks deploy to (its us-east-1 companion for CloudFront): the pipeline
   * may assume the bootstrap roles there too. @default - none
   */
  readonly additionalRegions?: readonly string[];
}

/**
 * What GitHub Actions needs in AWS, and nothing more: the GitHub OIDC provider (or an existing one),
 * a deploy role that only jobs of the repository's deployment environment can assume, and a read-only
 * diff role that only its pull requests can assume. No access key exists: each job exchanges its
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
  /** Assumed by the deploy and destroy workflows (`environment: production` jobs). */
  public readonly deployRole: iam.Role;
  /** Assumed by the pull-request workflow for `cdk diff`; read-only. */
  public readonly diffRole: iam.Role;
  private readonly qualifier: string;
  private readonly additionalRegions: readonly string[];

  constructor(scope: Construct, id: string, props: CiAccessStackProps) {
    super(scope, id, props);
    const { githubRepository, appStackName, deployment } = props;
    if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(githubRepository)) {
      throw new Error(`githubRepository must be OWNER/REPO, got '${githubRepository}'`);
    }
    const environment = props.deployEnvironment ?? 'production';
    this.qualifier = props.bootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
    this.additionalRegions = (props.additionalRegions ?? []).filter((region) => region !== this.region);

    this.oidcProvider = props.existingOidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GithubOidcProvider', props.existingOidcProviderArn)
      : new iam.OidcProviderNative(this, 'GithubOidcProvider', {
        url: `https://${GITHUB_OIDC_ISSUER}`,
        clientIds: [STS_AUDIENCE],
        // Other stacks and accounts' pipelines may come to rely on the provider: keep it.
        removalPolicy: RemovalPolicy.RETAIN,
      });

    const subjectPrefix = githubSubjectPrefix(githubRepository, props.immutableSubject);

    this.deployRole = new iam.Role(this, 'DeployRole', {
      description: `GitHub Actions deploy of ${appStackName}: ${githubRepository}, environment ${environment} only`,
      assumedBy: this.githubPrincipal(`${subjectPrefix}:environment:${environment}`),
      maxSessionDuration: Duration.hours(1),
    });
    this.diffRole = new iam.Role(this, 'DiffRole', {
      description: `GitHub Actions cdk diff of ${appStackName}: pull requests of ${githubRepository} only, read-only`,
      assumedBy: this.githubPrincipal(`${subjectPrefix}:pull_request`),
      maxSessionDuration: Duration.hours(1),
    });

    this.grantAssumeBootstrapRoles(this.deployRole, BOOTSTRAP_ROLES);
    this.grantAssumeBootstrapRoles(this.diffRole, ['lookup']);
    this.grantReadStack(this.diffRole, appStackName);

    this.grantReadStack(this.deployRole, appStackName);
    this.grantPushImage(this.deployRole, deployment.imageRepository);
    this.grantRunMigration(this.deployRole, deployment);

    new CfnOutput(this, 'DeployRoleArn', {
      value: this.deployRole.roleArn,
      description: 'Repository variable AWS_DEPLOY_ROLE_ARN',
    });
    new CfnOutput(this, 'DiffRoleArn', {
      value: this.diffRole.roleArn,
      description: 'Repository variable AWS_DIFF_ROLE_ARN',
    });
    new CfnOutput(this, 'GithubOidcProviderArn', {
      value: this.oidcProvider.oidcProviderArn,
      description: 'Pass as context githubOidcProviderArn to other CI-access stacks in this account',
    });
  }

  /** Exact ARN of a CDK bootstrap role in this stack's account and region. */
  private bootstrapRoleArn(role: BootstrapRole, region: string = this.region): string {
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

  private grantAssumeBootstrapRoles(grantee: iam.Role, roles: readonly BootstrapRole[]): void {
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeCdkBootstrapRoles',
        // The CDK CLI may tag its role sessions; the bootstrap roles' trust policies allow both.
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [this.region, ...this.additionalRegions].flatMap((region) => roles.map((role) => this.bootstrapRoleArn(role, region))),
      }),
    );
  }

  /** Docker login and pushes to exactly the app's repository (created by the app stack). */
  private grantPushImage(grantee: iam.Role, repositoryName: string): void {
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
        resources: [`arn:${this.partition}:ecr:${this.region}:${this.account}:repository/${repositoryName}`],
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
  private grantRunMigration(grantee: iam.Role, names: DeploymentNames): void {
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RunMigrationTask',
        actions: ['ecs:RunTask'],
        resources: [
          this.wildcardArn(grantee, 'ecs', `task-definition/${names.migrationFamily}:*`,
            'Any revision of exactly the migration task family (each deployment registers one), and only in the app cluster.'),
        ],
        conditions: { ArnEquals: { 'ecs:cluster': `arn:${this.partition}:ecs:${this.region}:${this.account}:cluster/${names.cluster}` } },
      }),
    );
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WatchMigrationTask',
        actions: ['ecs:DescribeTasks'],
        resources: [
          this.wildcardArn(grantee, 'ecs', `task/${names.cluster}/*`,
            'Task ids are generated when the migration task starts; the cluster is exact. Read-only.'),
        ],
      }),
    );
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PassMigrationRoles',
        actions: ['iam:PassRole'],
        resources: [
          this.wildcardArn(grantee, 'iam', `role${names.migrationRolePath}*`,
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
  private grantReadStack(grantee: iam.Role, stackName: string): void {
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAppStack',
        actions: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
        resources: [
          this.wildcardArn(grantee, 'cloudformation', `stack/${stackName}/*`,
            'The stack ARN ends in an id CloudFormation generates at creation; the name is exact.'),
        ],
      }),
    );
    grantee.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadBootstrapVersion',
        actions: ['ssm:GetParameter'],
        resources: [`arn:${this.partition}:ssm:${this.region}:${this.account}:parameter/cdk-bootstrap/${this.qualifier}/version`],
      }),
    );
  }

  /**
   * `arn:<partition>:<service>:<region>:<account>:<resource>` in this account and region (IAM ARNs
   * have no region), whose wildcard cdk-nag reports (AwsSolutions-IAM5): the finding is
   * acknowledged on `grantee` with `reason`.
   */
  private wildcardArn(grantee: iam.Role, service: string, resource: string, reason: string): string {
    const arn = (partition: string, region: string, account: string) =>
      `arn:${partition}:${service}:${service === 'iam' ? '' : region}:${account}:${resource}`;
    const appliesTo = arn(nagValue(this.partition, 'AWS::Partition'), nagValue(this.region, 'AWS::Region'), nagValue(this.account, 'AWS::AccountId'));
    Validations.of(grantee).acknowledge({ id: `AwsSolutions-IAM5[Resource::${appliesTo}]`, reason });
    return arn(this.partition, this.region, this.account);
  }
}

/** How cdk-nag prints a value in a finding's `appliesTo`: pseudo parameters as `<AWS::...>`. */
function nagValue(value: string, pseudoParameter: string): string {
  return Token.isUnresolved(value) ? `<${pseudoParameter}>` : value;
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
