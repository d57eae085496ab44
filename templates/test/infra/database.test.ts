import { jest } from '@jest/globals';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { variants } from '../support/configs.js';
import { build, synthesize, WITHOUT_BUNDLING } from '../support/synth.js';
import { onlyResource } from '../support/template.js';

const partition = { Ref: 'AWS::Partition' };
const account = '123456789012';

/** `arn:${Partition}:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<user>` as CDK renders it. */
function instanceUserArn(region: string, instanceLogicalId: string, user: string) {
  return {
    'Fn::Join': [
      '',
      ['arn:', partition, `:rds-db:${region}:${account}:dbuser:`, { 'Fn::GetAtt': [instanceLogicalId, 'DbiResourceId'] }, `/${user}`],
    ],
  };
}

// Synthesis runs esbuild (bootstrap Lambda) and cdk-nag: slower than jest's 5 s default.
jest.setTimeout(120_000);

describe('Database instance', () => {
  const { template } = synthesize(variants.default);

  test('MySQL 8.4 (newest constant) with IAM auth and an RDS-managed master password', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'mysql',
      EngineVersion: '8.4.10',
      EnableIAMDatabaseAuthentication: true,
      ManageMasterUserPassword: true,
      MasterUsername: 'admin',
      MasterUserPassword: Match.absent(),
      MasterUserSecret: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } },
      PubliclyAccessible: false,
    });
    // No CDK-generated secret, no attachment: the only secret is the one RDS creates.
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.resourceCountIs('AWS::SecretsManager::SecretTargetAttachment', 0);
  });

  test('encrypted storage, deletion protection, snapshot on removal, >= 7 days of backups', () => {
    template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: Match.objectLike({
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
        DeletionProtection: true,
        BackupRetentionPeriod: 14,
        CopyTagsToSnapshot: true,
        CACertificateIdentifier: 'rds-ca-rsa2048-g1',
      }),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('Multi-AZ follows stackConfig.multiAz', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: true });
    synthesize(variants.threeAzMixed).template.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: false });
  });

  test('exports error, slowquery, iam-db-auth-error and audit logs to pre-created, encrypted log groups', () => {
    const instance = template.findResources('AWS::RDS::DBInstance');
    const [id, resource] = Object.entries(instance)[0]!;
    expect(resource.Properties.EnableCloudwatchLogsExports).toEqual(['error', 'slowquery', 'iam-db-auth-error', 'audit']);
    const identifier = resource.Properties.DBInstanceIdentifier as string;
    for (const type of ['error', 'slowquery', 'iam-db-auth-error', 'audit']) {
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/rds/instance/${identifier}/${type}`,
        RetentionInDays: 365,
        KmsKeyId: Match.anyValue(),
      });
    }
    expect(resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^DatabaseLogGroup/)]));
    expect(id).toMatch(/^DatabaseInstance/);
  });

  test('parameter group requires TLS', () => {
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'mysql8.4',
      // '1' = ON (RDS allows 0/1 for MySQL booleans).
      Parameters: Match.objectLike({ require_secure_transport: '1', slow_query_log: '1' }),
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      DBParameterGroupName: { Ref: Match.stringLikeRegexp('^DatabaseParameters') },
    });
  });

  test('lives in the isolated subnets', () => {
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: [
        { Ref: Match.stringLikeRegexp('^NetworkVpcdataSubnet1') },
        { Ref: Match.stringLikeRegexp('^NetworkVpcdataSubnet2') },
      ],
    });
  });

  test('security group admits only the proxy and the user-bootstrap Lambda; no blanket egress', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
    const toDb = ingress.filter((r) => JSON.stringify(r.Properties.GroupId).includes('DatabaseInstanceSecurityGroup'));
    const instanceId = onlyResource(template, 'AWS::RDS::DBInstance').id;
    const port = { 'Fn::GetAtt': [instanceId, 'Endpoint.Port'] };
    const from = (prefix: RegExp) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(prefix), 'GroupId'] } });
    expect(toDb).toHaveLength(2);
    expect(toDb.map((r) => r.Properties)).toEqual(
      expect.arrayContaining([
        expect.objectContaining(from(/^DatabaseProxySecurityGroup/)),
        expect.objectContaining(from(/^DatabaseUsersSecurityGroup/)),
      ]),
    );
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^RDS for MySQL'),
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  test('allowFrom / allowProxyFrom / allowSecretsManagerAccessFrom admit exactly the given peer', () => {
    const { stack } = build(variants.default, {}, WITHOUT_BUNDLING);
    const lambdaSg = new ec2.SecurityGroup(stack, 'BootstrapSg', { vpc: stack.network.vpc, allowAllOutbound: false });
    const appSg = new ec2.SecurityGroup(stack, 'AppSg', { vpc: stack.network.vpc, allowAllOutbound: false });
    stack.database.allowFrom(lambdaSg);
    stack.network.allowSecretsManagerAccessFrom(lambdaSg);
    stack.database.allowProxyFrom(appSg);
    const t = Template.fromStack(stack);
    const sgId = (prefix: string) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}`), 'GroupId'] });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: sgId('DatabaseInstanceSecurityGroup'),
      SourceSecurityGroupId: sgId('BootstrapSg'),
      FromPort: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseInstance'), 'Endpoint.Port'] },
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: sgId('NetworkEndpointSecurityGroup'), SourceSecurityGroupId: sgId('BootstrapSg'), FromPort: 443,
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: sgId('DatabaseProxySecurityGroup'), SourceSecurityGroupId: sgId('AppSg'), FromPort: 3306,
    });
  });
});

describe('RDS Proxy (end-to-end IAM, the default)', () => {
  const { template } = synthesize(variants.default);

  test('DefaultAuthScheme IAM_AUTH, TLS required, no Auth items, in the isolated subnets', () => {
    template.hasResourceProperties('AWS::RDS::DBProxy', {
      EngineFamily: 'MYSQL',
      DefaultAuthScheme: 'IAM_AUTH',
      RequireTLS: true,
      Auth: Match.absent(),
      DebugLogging: false,
      VpcSubnetIds: [
        { Ref: Match.stringLikeRegexp('^NetworkVpcdataSubnet1') },
        { Ref: Match.stringLikeRegexp('^NetworkVpcdataSubnet2') },
      ],
    });
  });

  test('proxy role may connect to the instance as exactly the configured users, nothing else', () => {
    const instanceId = onlyResource(template, 'AWS::RDS::DBInstance').id;
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'rds-db:connect', Resource: instanceUserArn('eu-west-1', instanceId, 'app_user') }],
        Version: '2012-10-17',
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^DatabaseProxyRole') }],
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'rds.amazonaws.com' } })] },
    });
  });

  test('with four users the proxy role gets four exact grants', () => {
    const t = synthesize(variants.threeAzMixed).template;
    const instanceId = onlyResource(t, 'AWS::RDS::DBInstance').id;
    const users = ['orders_app', 'reporting', 'migrator', 'dba'];
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: users.map((u) => ({ Effect: 'Allow', Action: 'rds-db:connect', Resource: instanceUserArn('eu-central-1', instanceId, u) })),
        Version: '2012-10-17',
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^DatabaseProxyRole') }],
    });
  });

  test('proxy security group admits nobody yet (compute comes later) and may only reach the instance', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^RDS Proxy'),
      SecurityGroupIngress: Match.absent(),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseProxySecurityGroup'), 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseInstanceSecurityGroup'), 'GroupId'] },
      FromPort: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseInstance'), 'Endpoint.Port'] },
    });
  });
});

describe("RDS Proxy ('iam-with-master-secret' mode)", () => {
  const { template } = synthesize(variants.masterSecretMode);
  const instanceId = onlyResource(template, 'AWS::RDS::DBInstance').id;
  const masterSecretArn = { 'Fn::GetAtt': [instanceId, 'MasterUserSecret.SecretArn'] };

  test('one SECRETS auth item: IAMAuth REQUIRED with the RDS-managed master secret', () => {
    template.hasResourceProperties('AWS::RDS::DBProxy', {
      DefaultAuthScheme: 'IAM_AUTH',
      RequireTLS: true,
      Auth: [{ AuthScheme: 'SECRETS', IAMAuth: 'REQUIRED', SecretArn: masterSecretArn }],
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  test('the proxy role reads exactly that secret and still connects as the IAM users', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('DatabaseProxyRole'),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement;
    expect(statements).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: 'rds-db:connect', Resource: instanceUserArn('eu-west-1', instanceId, 'app_user') },
        { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: masterSecretArn },
        expect.objectContaining({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] } }),
      ]),
    );
    for (const s of statements) {
      expect(JSON.stringify(s.Resource)).not.toContain('*');
    }
  });
});
