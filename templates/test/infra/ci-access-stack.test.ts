import { Match, Template } from 'aws-cdk-lib/assertions';
import { CiAccessStack, type CiAccessStackProps, githubSubjectPrefix } from '../../src/ci-access-stack.js';
import { deploymentNames } from '../../src/naming.js';
import { checkedApp, nagFindings } from '../support/synth.js';

const account = '123456789012';
const region = 'eu-west-1';
const partition = { Ref: 'AWS::Partition' };

/** A stage of the `my-stack` project in the tests' region. */
function ciStage(name: string, stageRegion = region) {
  return { name, region: stageRegion, appStackName: `my-stack-${name}`, deployment: deploymentNames(`my-stack-${name}`) };
}

function synth(overrides: Partial<CiAccessStackProps> = {}) {
  const app = checkedApp();
  const stack = new CiAccessStack(app, 'my-stack-ci-access', {
    githubRepository: 'acme/orders',
    stages: [ciStage('prod')],
    env: { account, region },
    ...overrides,
  });
  return { app, stack, template: Template.fromStack(stack) };
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: Record<string, unknown>;
  Condition?: Record<string, Record<string, string>>;
}

/** The trust policy and the inline policy statements of the role whose logical id starts with `prefix`. */
function roleOf(template: Template, prefix: string): { trust: Statement[]; policy: Statement[] } {
  const roles = template.findResources('AWS::IAM::Role');
  const [id, role] = Object.entries(roles).find(([logicalId]) => logicalId.startsWith(prefix))!;
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === id),
  );
  return {
    trust: role.Properties.AssumeRolePolicyDocument.Statement,
    policy: policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]),
  };
}

function bootstrapRoleArn(role: string) {
  return { 'Fn::Join': ['', ['arn:', partition, `:iam::${account}:role/cdk-hnb659fds-${role}-role-${account}-${region}`]] };
}

describe('CiAccessStack', () => {
  const { app, stack, template } = synth();
  const providerRef = { Ref: Object.keys(template.findResources('AWS::IAM::OIDCProvider'))[0] };

  test('creates the GitHub OIDC provider for the STS audience, and no user or access key', () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    template.resourceCountIs('AWS::IAM::User', 0);
    template.resourceCountIs('AWS::IAM::AccessKey', 0);
  });

  /** The one trust statement a role may have: GitHub's OIDC token with exactly this `sub` and the STS audience. */
  const trustFor = (subject: string) => [
    {
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: providerRef },
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': subject,
        },
      },
    },
  ];

  test("the deploy role trusts only the stage's environment of the repository (exact aud and sub)", () => {
    expect(roleOf(template, 'DeployRole').trust).toEqual(trustFor('repo:acme/orders:environment:prod'));
  });

  test('the diff role trusts only pull requests of the repository', () => {
    expect(roleOf(template, 'DiffRole').trust).toEqual(trustFor('repo:acme/orders:pull_request'));
  });

  test('no trust condition uses wildcards or StringLike', () => {
    const roles = JSON.stringify(template.findResources('AWS::IAM::Role'));
    expect(roles).not.toContain('StringLike');
    expect(roles).not.toMatch(/:sub":"[^"]*\*/);
  });

  test('the deploy role may assume exactly the four CDK bootstrap roles of this account and region', () => {
    const assume = roleOf(template, 'DeployRole').policy.filter((s) => JSON.stringify(s.Action).includes('sts:'));
    expect(assume).toEqual([
      {
        Sid: 'AssumeCdkBootstrapRoles',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Resource: ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(bootstrapRoleArn),
      },
    ]);
  });

  test('the deploy role may push to exactly the app repository (plus the registry login)', () => {
    const ecrStatements = roleOf(template, 'DeployRole').policy.filter((s) => JSON.stringify(s.Action).includes('ecr:'));
    expect(ecrStatements).toHaveLength(2);
    for (const statement of ecrStatements) {
      if (statement.Resource === '*') expect(statement.Action).toBe('ecr:GetAuthorizationToken');
      else expect(statement.Resource).toEqual({ 'Fn::Join': ['', ['arn:', partition, `:ecr:${region}:${account}:repository/my-stack-prod/app`]] });
    }
    expect(JSON.stringify(ecrStatements)).toContain('ecr:PutImage');
    template.resourceCountIs('AWS::ECR::Repository', 0);
  });

  test('the deploy role may run only the migration task, only in the app cluster, passing only its roles', () => {
    const { policy } = roleOf(template, 'DeployRole');
    const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', partition, rest]] });
    expect(policy.find((s) => s.Sid === 'RunMigrationTask')).toEqual({
      Sid: 'RunMigrationTask',
      Effect: 'Allow',
      Action: 'ecs:RunTask',
      Resource: arn(`:ecs:${region}:${account}:task-definition/my-stack-prod-migrate:*`),
      Condition: { ArnEquals: { 'ecs:cluster': arn(`:ecs:${region}:${account}:cluster/my-stack-prod`) } },
    });
    expect(policy.find((s) => s.Sid === 'PassMigrationRoles')).toEqual({
      Sid: 'PassMigrationRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: arn(`:iam::${account}:role/my-stack-prod/migration/*`),
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    expect(policy.find((s) => s.Sid === 'WatchMigrationTask')?.Action).toBe('ecs:DescribeTasks');
    // Nothing else: no ecs:* or iam:* beyond these.
    const actions = policy.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => /^(ecs|iam):/.test(a)).sort()).toEqual(['ecs:DescribeTasks', 'ecs:RunTask', 'iam:PassRole']);
  });

  test('the diff role may assume only the lookup role and read only the app stack', () => {
    const { policy } = roleOf(template, 'DiffRole');
    expect(policy).toEqual([
      { Sid: 'AssumeCdkBootstrapRoles', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: bootstrapRoleArn('lookup') },
      {
        Sid: 'ReadAppStack',
        Effect: 'Allow',
        Action: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
        Resource: { 'Fn::Join': ['', ['arn:', partition, `:cloudformation:${region}:${account}:stack/my-stack-prod/*`]] },
      },
      {
        Sid: 'ReadBootstrapVersion',
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: { 'Fn::Join': ['', ['arn:', partition, `:ssm:${region}:${account}:parameter/cdk-bootstrap/hnb659fds/version`]] },
      },
    ]);
  });

  test('sessions last at most an hour', () => {
    template.allResourcesProperties('AWS::IAM::Role', { MaxSessionDuration: 3600 });
  });

  test('outputs the role ARNs the workflows need as repository variables', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['DeployRoleArnProd', 'DiffRoleArnProd', 'GithubOidcProviderArn']));
    expect(outputs.DeployRoleArnProd!.Description).toBe('Repository variable AWS_DEPLOY_ROLE_ARN_PROD');
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding, and synthesis passes', () => {
    expect(nagFindings(stack)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  test('cdk-nag stays clean for an environment-agnostic account', () => {
    const agnostic = synth({ env: { region } });
    expect(nagFindings(agnostic.stack)).toEqual([]);
    expect(() => agnostic.app.synth()).not.toThrow();
  });
});

describe('CiAccessStack options', () => {
  test('imports an existing provider by ARN instead of creating one', () => {
    const arn = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
    const { template } = synth({ existingOidcProviderArn: arn });
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: arn } })] },
    });
  });

  test('immutable subject claims: repo:OWNER@id/REPO@id', () => {
    const { template } = synth({ immutableSubject: { ownerId: '1234', repositoryId: '98765' } });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Condition: {
              StringEquals: Match.objectLike({
                'token.actions.githubusercontent.com:sub': 'repo:acme@1234/orders@98765:environment:prod',
              }),
            },
          }),
        ],
      },
    });
    expect(githubSubjectPrefix('acme/orders', { ownerId: '1', repositoryId: '2' })).toBe('repo:acme@1/orders@2');
  });

  test('another stage name and bootstrap qualifier', () => {
    const { template } = synth({ stages: [ciStage('prodeu')], bootstrapQualifier: 'custom123' });
    const iam = JSON.stringify({ ...template.findResources('AWS::IAM::Role'), ...template.findResources('AWS::IAM::Policy') });
    expect(iam).toContain('repo:acme/orders:environment:prodeu');
    expect(iam).toContain('cdk-custom123-deploy-role-');
    expect(iam).toContain('/cdk-bootstrap/custom123/version');
    expect(iam).not.toContain('hnb659fds');
  });

  test("the front door's us-east-1 companion stack: the pipeline may assume the bootstrap roles there too, and no others", () => {
    const { template, app } = synth({ additionalRegions: ['us-east-1', region] });
    const assume = roleOf(template, 'DeployRole').policy.find((s) => s.Sid === 'AssumeCdkBootstrapRoles')!;
    const roles = ['deploy', 'file-publishing', 'image-publishing', 'lookup'];
    const inEdge = (role: string) => ({ 'Fn::Join': ['', ['arn:', partition, `:iam::${account}:role/cdk-hnb659fds-${role}-role-${account}-us-east-1`]] });
    expect(assume.Resource).toEqual([...roles.map(bootstrapRoleArn), ...roles.map(inEdge)]);
    expect(roleOf(template, 'DiffRole').policy.find((s) => s.Sid === 'AssumeCdkBootstrapRoles')!.Resource).toEqual([bootstrapRoleArn('lookup'), inEdge('lookup')]);
    expect(nagFindings(app)).toEqual([]);
  });

  test('rejects a malformed repository and non-numeric ids', () => {
    expect(() => synth({ githubRepository: 'acme' })).toThrow(/OWNER\/REPO/);
    expect(() => synth({ githubRepository: 'acme/*' })).toThrow(/OWNER\/REPO/);
    expect(() => synth({ immutableSubject: { ownerId: 'acme', repositoryId: '1' } })).toThrow(/numeric/);
    expect(() => synth({ stages: [] })).toThrow(/at least one stage/);
  });
});

describe('CiAccessStack with two stages in one account', () => {
  const { app, template } = synth({ stages: [ciStage('dev', 'eu-central-1'), ciStage('prod')] });

  test('each stage has its own deploy role, trusted only for its own environment', () => {
    expect(roleOf(template, 'DeployRoleDev').trust[0]!.Condition!.StringEquals!['token.actions.githubusercontent.com:sub']).toBe('repo:acme/orders:environment:dev');
    expect(roleOf(template, 'DeployRoleProd').trust[0]!.Condition!.StringEquals!['token.actions.githubusercontent.com:sub']).toBe('repo:acme/orders:environment:prod');
  });

  test("deploying dev can never touch prod's resources: its grants name only dev's stack, repository, cluster and region", () => {
    const dev = JSON.stringify(roleOf(template, 'DeployRoleDev').policy);
    expect(dev).toContain('repository/my-stack-dev/app');
    expect(dev).toContain('cluster/my-stack-dev');
    expect(dev).toContain('-role-123456789012-eu-central-1');
    expect(dev).not.toContain('my-stack-prod');
    expect(dev).not.toContain(`-role-${account}-${region}`);
    expect(JSON.stringify(roleOf(template, 'DiffRoleDev').policy)).not.toContain('my-stack-prod');
    expect(JSON.stringify(roleOf(template, 'DeployRoleProd').policy)).not.toContain('my-stack-dev');
  });

  test('one OIDC provider for the account; cdk-nag clean', () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    expect(nagFindings(app)).toEqual([]);
  });
});
