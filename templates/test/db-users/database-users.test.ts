import { describe, expect, it, beforeAll, jest } from '@jest/globals';
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { DatabaseUsers } from '../../src/constructs/database-users.js';
import type { DatabaseUserConfig } from '../../src/stack-config.js';
import { checkedApp, WITHOUT_BUNDLING } from '../support/synth.js';

// Synthesis bundles the Lambda with esbuild and runs cdk-nag: slower than jest's 5 s default.
jest.setTimeout(120_000);

/** Explicit users (not the project's stackConfig), so the assertions below hold in every project. */
const DATABASE_NAME = 'app';
const USERS: readonly DatabaseUserConfig[] = [
  { name: 'app_rw', access: 'read-write' },
  { name: 'migrator', access: 'schema-owner' },
  { name: 'reporting', access: 'read-only' },
];

/** A minimal stand-in for the network and database constructs (the full stack is tested in test/infra), under cdk-nag. */
function buildStack(acknowledgeFixture = true, context: Record<string, unknown> = {}) {
  const app = checkedApp(context);
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const instance = new rds.DatabaseInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_4_10 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    credentials: rds.Credentials.fromUsername('admin'),
    manageMasterUserPassword: true,
    iamAuthentication: true,
    storageEncrypted: true,
    databaseName: DATABASE_NAME,
  } as rds.DatabaseInstanceProps);
  const users = new DatabaseUsers(stack, 'DatabaseUsers', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    instance,
    masterSecret: instance.secret!,
    databaseName: DATABASE_NAME,
    users: USERS,
  });
  // Fixture findings (VPC flow logs, RDS hardening) belong to the other constructs' tests.
  for (const fixture of acknowledgeFixture ? [vpc, instance] : []) {
    for (const id of ['AwsSolutions-VPC7', 'AwsSolutions-RDS2', 'AwsSolutions-RDS3', 'AwsSolutions-RDS10', 'AwsSolutions-RDS11', 'AwsSolutions-RDS13', 'AwsSolutions-SMG4']) {
      Validations.of(fixture).acknowledge({ id, reason: 'test fixture, not under test' });
    }
  }
  return { app, stack, instance, users };
}

describe('DatabaseUsers construct', () => {
  let template: Template;
  let built: ReturnType<typeof buildStack>;
  beforeAll(() => {
    // One synthesis serves the template assertions and the nag check (the plugin does not change the template).
    built = buildStack();
    template = Template.fromStack(built.stack);
  });

  it('runs the bootstrap Lambda on nodejs24.x inside the VPC with its own security group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Timeout: 180,
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('DatabaseUsersSecurityGroup'), 'GroupId'] }] },
      Environment: { Variables: { DB_HOST: Match.anyValue(), DB_PORT: Match.anyValue(), DB_SECRET_ARN: Match.anyValue() } },
    });
  });

  it('lets the database admit the Lambda on the MySQL port', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DatabaseUsersSecurityGroup'), 'GroupId'] },
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DbSecurityGroup'), 'GroupId'] },
    });
  });

  it('may read exactly the master secret and no other secret', () => {
    const secretArn = built.stack.resolve(built.instance.secret!.secretArn);
    const policies = template.findResources('AWS::IAM::Policy');
    type PolicyResource = { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } };
    const secretStatements = Object.values(policies)
      .flatMap((p) => (p as PolicyResource).Properties.PolicyDocument.Statement)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    expect(secretStatements).toHaveLength(1);
    expect(secretStatements[0]!.Action).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    expect(secretStatements[0]!.Resource).toEqual(secretArn);
    expect(secretArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Db/), 'MasterUserSecret.SecretArn'] });
  });

  it('passes the desired users as custom resource properties', () => {
    template.hasResourceProperties('Custom::DatabaseUsers', {
      ServiceToken: Match.anyValue(),
      DatabaseName: 'app',
      Users: [
        { Name: 'app_rw', Access: 'read-write' },
        { Name: 'migrator', Access: 'schema-owner' },
        { Name: 'reporting', Access: 'read-only' },
      ],
    });
    template.hasResource('Custom::DatabaseUsers', { DependsOn: Match.arrayWith([Match.stringLikeRegexp('^Db')]) });
  });

  it('records why checkov and cfn-lint findings on its two Lambdas do not apply', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(2); // bootstrap + Provider framework
    for (const fn of functions) {
      const skips = fn.Metadata.checkov.skip as { id: string; comment: string }[];
      expect(skips.map((s) => s.id)).toEqual(expect.arrayContaining(['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_173']));
      for (const skip of skips) expect(skip.comment.length).toBeGreaterThan(40);
      expect(fn.Metadata['cfn-lint']).toEqual({ config: { ignore_checks: ['W3005'] } });
    }
  });

  it('is clean under cdk-nag AwsSolutions', () => {
    expect(() => built.app.synth()).not.toThrow();
  });

  it('(control) the nag plugin does report findings when there are some', () => {
    // The findings are the fixture's: no need to bundle the Lambda for them.
    const { app } = buildStack(false, WITHOUT_BUNDLING);
    expect(() => app.synth()).toThrow();
  });
});
