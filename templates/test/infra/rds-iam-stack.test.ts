import { jest } from '@jest/globals';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { stackConfig } from '../../src/stack-config.js';
import { variants } from '../support/configs.js';
import { build, lastStage, synthesize, WITHOUT_BUNDLING } from '../support/synth.js';
import { normalizeAssetHashes, onlyResource, proxyUserArn, resourceTypeCounts } from '../support/template.js';

// Synthesis runs esbuild (bootstrap Lambda) and cdk-nag: slower than jest's 5 s default.
jest.setTimeout(180_000);

const partition = { Ref: 'AWS::Partition' };

describe('RdsIamStack', () => {
  const synthesized = synthesize(variants.default);
  const { template } = synthesized;
  const proxyId = onlyResource(template, 'AWS::RDS::DBProxy').id;

  test('app role is assumed by ECS tasks of this account only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'ecs-tasks.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', partition, ':ecs:eu-west-1:123456789012:*']] } },
            },
          },
        ],
      },
    });
  });

  test('app role may connect through the proxy as the app user: exact prx- ARN, no wildcard', () => {
    const appPolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('AppTaskRole'),
    );
    expect(appPolicies).toHaveLength(1);
    const statements = appPolicies[0]!.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[];
    const connect = statements.filter((s) => JSON.stringify(s.Action).includes('rds-db:connect'));
    expect(connect).toEqual([{ Effect: 'Allow', Action: 'rds-db:connect', Resource: proxyUserArn('eu-west-1', proxyId, 'app_user') }]);
    for (const s of statements) {
      expect(JSON.stringify(s.Resource)).not.toContain('*');
    }
  });

  test('the app user follows stackConfig.appUser', () => {
    const t = synthesize(variants.threeAzMixed).template;
    const id = onlyResource(t, 'AWS::RDS::DBProxy').id;
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'rds-db:connect', Resource: proxyUserArn('eu-central-1', id, 'orders_app') }]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^AppTaskRole') }],
    });
  });

  test('connection settings are SSM String parameters and outputs', () => {
    const expected: Record<string, unknown> = {
      '/my-stack-prod/database/proxy-endpoint': { 'Fn::GetAtt': [proxyId, 'Endpoint'] },
      '/my-stack-prod/database/port': '3306',
      '/my-stack-prod/database/name': 'app',
      '/my-stack-prod/database/region': 'eu-west-1',
      '/my-stack-prod/database/app-user': 'app_user',
    };
    for (const [name, value] of Object.entries(expected)) {
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: name, Type: 'String', Value: value });
    }
    template.resourceCountIs('AWS::SSM::Parameter', 5);
    template.hasOutput('DatabaseProxyEndpoint', { Value: { 'Fn::GetAtt': [proxyId, 'Endpoint'] } });
    template.hasOutput('DatabasePort', { Value: '3306' });
    template.hasOutput('DatabaseName', { Value: 'app' });
    template.hasOutput('DatabaseRegion', { Value: 'eu-west-1' });
    template.hasOutput('DatabaseAppUser', { Value: 'app_user' });
  });

  test("stack name and parameter path come from the stage's stack name (scoped project name + stage)", () => {
    const { stack: s, template: t } = synthesize(variants.threeAzMixed);
    expect(s.stackName).toBe('orders-db-prod');
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/orders-db-prod/database/name', Value: 'orders' });
  });

  test.each(Object.entries(variants))('no secret, password or secret ARN in outputs or parameters (%s)', (_name, config) => {
    const t = synthesize(config).template.toJSON();
    const resources = Object.values(t.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>);
    const parameters = resources.filter((r) => r.Type === 'AWS::SSM::Parameter');
    expect(parameters.map((p) => p.Properties.Type)).toEqual(Array(5).fill('String'));
    const values = JSON.stringify([
      ...Object.values(t.Outputs as Record<string, { Value: unknown }>).map((o) => o.Value),
      ...parameters.map((p) => p.Properties.Value),
    ]);
    expect(values).not.toMatch(/password|secret|token/i);
    // No SecureString parameters and nothing resolving secrets at deploy time.
    expect(JSON.stringify(t)).not.toContain('{{resolve:secretsmanager');
    expect(JSON.stringify(t)).not.toContain('"MasterUserPassword"');
  });

  test('AZs come from the config, never from a context lookup (offline synth with an account set)', () => {
    expect(synthesized.stack.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
  });

  test('rejects an appUser that is not a configured user', () => {
    expect(() => synthesize({ ...variants.default, appUser: 'nobody' })).toThrow(/appUser 'nobody'/);
  });

  test('rejects the master user name as an IAM user', () => {
    expect(() =>
      synthesize({ ...variants.default, databaseUsers: [{ name: 'admin', access: 'read-write' }], appUser: 'admin' }),
    ).toThrow(/master user/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  test.each(Object.entries(variants))('zero unacknowledged findings (%s)', (_name, config) => {
    // Synthesis itself throws on unacknowledged findings; the shared synthesis recorded the check's.
    expect(synthesize(config).nagFindings).toEqual([]);
  });

  test.each(Object.entries(variants))('zero findings with the recommended feature flags too (%s)', (_name, config) => {
    expect(synthesize(config, { recommendedFlags: true }).nagFindings).toEqual([]);
  });

  test('acknowledgements are scoped to resources, never the stack', () => {
    const { stack } = synthesize(variants.threeAzMixed);
    const key = 'aws:cdk:acknowledged-rules';
    expect(stack.node.metadata.filter((m) => m.type === key)).toEqual([]);
    const acknowledged: Record<string, string[]> = {};
    for (const c of stack.node.findAll()) {
      for (const m of c.node.metadata.filter((entry) => entry.type === key)) {
        acknowledged[c.node.path] = [...(acknowledged[c.node.path] ?? []), ...Object.keys(m.data as object)].sort();
      }
    }
    expect(acknowledged).toEqual(ACKNOWLEDGED_THREE_AZ_MIXED);
  });
});

/** Every cdk-nag acknowledgement in the threeAzMixed variant, by construct path (each with a written reason in the code). */
// (F3002/F3003 on the flow log are added by aws-cdk-lib itself.)
const ACKNOWLEDGED_THREE_AZ_MIXED: Record<string, string[]> = {
  'orders-db-prod/Network/Vpc': ['CloudFormation-Validate::W3010'],
  'orders-db-prod/Network/Vpc/FlowLog': ['CloudFormation-Validate::F3002', 'CloudFormation-Validate::F3003'],
  'orders-db-prod/Database/Instance': ['Annotation::AwsSolutions-RDS11', 'Annotation::AwsSolutions-RDS3'],
  'orders-db-prod/Database/Instance/MonitoringRole': ['Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]'],
  'orders-db-prod/DatabaseUsers/Role': ['Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]'],
  'orders-db-prod/Service/AccessLogBucket': ['Annotation::AwsSolutions-S1'],
  'orders-db-prod/Network/AwsApis/S3PrefixList': ['Annotation::AwsSolutions-IAM5[Resource::*]'],
  // No domain in this variant: CloudFront's own certificate (CFR4). No EC23: nothing admits the internet.
  'orders-db-prod/FrontDoor/Distribution': ['Annotation::AwsSolutions-CFR1', 'Annotation::AwsSolutions-CFR4'],
  'orders-db-prod/Service/TaskDefinition': ['Annotation::AwsSolutions-ECS2'],
  'orders-db-prod/Service/TaskDefinition/ExecutionRole': ['Annotation::AwsSolutions-IAM5[Resource::*]'],
  'orders-db-prod/Service/MigrationTaskDefinition': ['Annotation::AwsSolutions-ECS2'],
  'orders-db-prod/Service/MigrationExecutionRole': ['Annotation::AwsSolutions-IAM5[Resource::*]'],
  // Operators: the wildcards ECS Exec and the tunnel cannot avoid (see operator-access.ts and service.ts).
  'orders-db-prod/AppTaskRole': [
    'Annotation::AwsSolutions-IAM5[Resource::*]',
    'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:eu-central-1:123456789012:log-group:<ServiceExecSessionLogs1611B6CD>:*]',
  ],
  'orders-db-prod/OperatorAccess/Role': [
    'Annotation::AwsSolutions-IAM5[Resource::*]',
    'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:eu-central-1:123456789012:stack/orders-db-prod/*]',
    'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:eu-central-1:123456789012:task/orders-db-prod/*]',
  ],
  'orders-db-prod/DatabaseUsers/Provider': [
    'Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'Annotation::AwsSolutions-IAM5[Resource::<DatabaseUsersFunction31CFDB3C.Arn>:*]',
  ],
};

describe('small review leftovers', () => {
  const { template } = synthesize(variants.threeAzMixed);

  test('no policy grants ssm:DescribeParameters (it has no resource-level permissions); the app role reads no SSM parameter it does not use', () => {
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('ssm:DescribeParameters');
    const appPolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes('AppTaskRole'));
    expect(JSON.stringify(appPolicies)).not.toContain('ssm:');
  });

  test('ConnectionParameters.grantRead grants reads on exactly the five parameters', () => {
    const { stack } = build(variants.default);
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    stack.connectionParameters.grantRead(reader);
    const statements = stack.resolve((reader.node.findChild('DefaultPolicy') as iam.Policy).document.toJSON()).Statement as Record<string, unknown>[];
    expect(statements).toEqual([expect.objectContaining({ Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParameterHistory'], Effect: 'Allow' })]);
    expect(statements[0]!.Resource).toHaveLength(5);
  });

  test('every log group is retained, the bootstrap Lambda\'s two included', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups).filter((id) => id.startsWith('DatabaseUsers'))).toHaveLength(2);
    for (const group of Object.values(groups)) expect(group.DeletionPolicy).toBe('Retain');
  });
});

describe('database users bootstrap wiring', () => {
  const { template } = synthesize(variants.threeAzMixed);
  const sgOf = (prefix: string) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}`), 'GroupId'] });

  test('the custom resource carries the configured database and users, after the instance exists', () => {
    template.hasResourceProperties('Custom::DatabaseUsers', {
      DatabaseName: 'orders',
      Users: [
        { Name: 'orders_app', Access: 'read-write' },
        { Name: 'reporting', Access: 'read-only' },
        { Name: 'migrator', Access: 'schema-owner' },
        { Name: 'dba', Access: 'admin' },
      ],
    });
    template.hasResource('Custom::DatabaseUsers', { DependsOn: Match.arrayWith([Match.stringLikeRegexp('^DatabaseInstance')]) });
  });

  test('the bootstrap Lambda runs in the isolated data subnets with its own security group', () => {
    const instanceId = onlyResource(template, 'AWS::RDS::DBInstance').id;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      VpcConfig: {
        SubnetIds: [0, 1, 2].map((n) => ({ Ref: Match.stringLikeRegexp(`^NetworkVpcdataSubnet${n + 1}Subnet`) })),
        SecurityGroupIds: [sgOf('DatabaseUsersSecurityGroup')],
      },
      Environment: {
        Variables: {
          DB_HOST: { 'Fn::GetAtt': [instanceId, 'Endpoint.Address'] },
          DB_PORT: { 'Fn::GetAtt': [instanceId, 'Endpoint.Port'] },
          DB_SECRET_ARN: { 'Fn::GetAtt': [instanceId, 'MasterUserSecret.SecretArn'] },
        },
      },
    });
  });

  test('the instance admits the Lambda on the MySQL port; the Secrets Manager endpoint admits it on 443', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: sgOf('DatabaseInstanceSecurityGroup'),
      SourceSecurityGroupId: sgOf('DatabaseUsersSecurityGroup'),
      FromPort: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseInstance'), 'Endpoint.Port'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: sgOf('NetworkEndpointSecurityGroup'),
      SourceSecurityGroupId: sgOf('DatabaseUsersSecurityGroup'),
      FromPort: 443,
      ToPort: 443,
    });
    // Egress of the Lambda's group: exactly those two destinations.
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).filter((r) =>
      JSON.stringify(r.Properties.GroupId).includes('DatabaseUsersSecurityGroup'),
    );
    expect(egress.map((r) => JSON.stringify(r.Properties.DestinationSecurityGroupId)).sort()).toEqual([
      expect.stringContaining('DatabaseInstanceSecurityGroup'),
      expect.stringContaining('NetworkEndpointSecurityGroup'),
    ]);
  });

  test('its log groups are encrypted with the data key', () => {
    const groups = Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([id]) => id.startsWith('DatabaseUsers'));
    expect(groups).toHaveLength(2);
    for (const [, group] of groups) {
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] });
    }
  });
});

describe("the project's own stackConfig", () => {
  // Whatever .projenrc.ts says: only properties that hold for every valid configuration. Synthesized
  // with the flags of the project's cdk.json, as `cdk synth` does (and the template snapshot reads).
  const synthesized = synthesize(stackConfig, { recommendedFlags: true });
  const { template } = synthesized;

  test("synthesizes under cdk-nag with zero findings, as the last stage's stack in its region", () => {
    expect(synthesized.nagFindings).toEqual([]);
    const { stack } = synthesized;
    expect(stack.stackName).toBe(lastStage(stackConfig).stackName);
    expect(stack.region).toBe(lastStage(stackConfig).region);
  });

  test('bootstraps exactly the configured users and grants only the app user to the app role', () => {
    template.hasResourceProperties('Custom::DatabaseUsers', {
      DatabaseName: stackConfig.databaseName,
      Users: stackConfig.databaseUsers.map((u) => ({ Name: u.name, Access: u.access })),
    });
    template.hasOutput('DatabaseAppUser', { Value: stackConfig.appUser });
  });
});

/**
 * Per-AZ resources: subnets, route tables and associations x3 per AZ; no NAT gateway (no internet
 * egress): only the public subnets route, to the internet gateway. The front door's us-east-1 parts
 * come to this stack through a cross-region reader (outside us-east-1).
 */
const COUNTS_TWO_AZ: Record<string, number> = {
  'AWS::CloudFront::Distribution': 1,
  'AWS::CloudFront::VpcOrigin': 1,
  'AWS::EC2::FlowLog': 1,
  'AWS::EC2::InternetGateway': 1,
  'AWS::EC2::Route': 2,
  'AWS::EC2::RouteTable': 6,
  'AWS::EC2::SecurityGroup': 6,
  'AWS::EC2::SecurityGroupEgress': 7,
  'AWS::EC2::SecurityGroupIngress': 6,
  'AWS::EC2::Subnet': 6,
  'AWS::EC2::SubnetRouteTableAssociation': 6,
  'AWS::EC2::VPC': 1,
  'AWS::EC2::VPCEndpoint': 5,
  'AWS::EC2::VPCGatewayAttachment': 1,
  'AWS::ECR::Repository': 1,
  'AWS::ECS::Cluster': 1,
  'AWS::ECS::Service': 1,
  'AWS::ECS::TaskDefinition': 1,
  'AWS::ElasticLoadBalancingV2::Listener': 1,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 1,
  'AWS::ElasticLoadBalancingV2::TargetGroup': 1,
  'AWS::IAM::Policy': 8,
  'AWS::IAM::Role': 10,
  'AWS::KMS::Key': 2,
  'AWS::Lambda::Function': 5,
  'AWS::Logs::LogGroup': 10,
  'AWS::Logs::MetricFilter': 1,
  'AWS::RDS::DBInstance': 1,
  'AWS::RDS::DBParameterGroup': 1,
  'AWS::RDS::DBProxy': 1,
  'AWS::RDS::DBProxyTargetGroup': 1,
  'AWS::RDS::DBSubnetGroup': 1,
  'AWS::RDS::EventSubscription': 1,
  'AWS::RDS::OptionGroup': 1,
  'AWS::CloudWatch::Alarm': 18,
  'AWS::CloudWatch::Dashboard': 1,
  'AWS::SNS::Topic': 1,
  'AWS::SNS::TopicPolicy': 1,
  'AWS::SSM::Parameter': 5,
  'AWS::ApplicationAutoScaling::ScalableTarget': 1,
  'AWS::ApplicationAutoScaling::ScalingPolicy': 1,
  'AWS::S3::Bucket': 1,
  'AWS::S3::BucketPolicy': 1,
  'Custom::AWS': 1,
  'Custom::CrossRegionExportReader': 1,
  'Custom::DatabaseUsers': 1,
  'Custom::VpcRestrictDefaultSG': 1,
};
// threeAzMixed has a schema-owner user (migrator): a migration task definition with its own task and execution roles.
// It has operators too: their role and policy, the Session Manager endpoint (its ingress and the tasks' egress to it go
// through the endpoints' security group, already counted), the session log group, and the tasks admitted to the instance.
const COUNTS_THREE_AZ: Record<string, number> = {
  ...COUNTS_TWO_AZ,
  'AWS::EC2::VPCEndpoint': 6,
  'AWS::Logs::LogGroup': 11,
  'AWS::EC2::SecurityGroupEgress': 8,
  'AWS::EC2::SecurityGroupIngress': 7,
  'AWS::ECS::TaskDefinition': 2,
  'AWS::IAM::Role': 13,
  'AWS::IAM::Policy': 11,
  'AWS::EC2::Route': 3,
  'AWS::EC2::RouteTable': 9,
  'AWS::EC2::Subnet': 9,
  'AWS::EC2::SubnetRouteTableAssociation': 9,
};
// us-east-1: the companion stack shares the region, so plain exports and no cross-region reader (its Lambda and role).
const COUNTS_SIX_AZ: Record<string, number> = { ...COUNTS_TWO_AZ, 'AWS::IAM::Role': 9, 'AWS::Lambda::Function': 4, 'AWS::EC2::Route': 6, 'AWS::EC2::RouteTable': 18, 'AWS::EC2::Subnet': 18, 'AWS::EC2::SubnetRouteTableAssociation': 18 };
delete COUNTS_SIX_AZ['Custom::CrossRegionExportReader'];

describe('template structure', () => {
  // Explicit expectations instead of a stored snapshot: the generated project starts without
  // __snapshots__ and runs jest with --ci, where a missing snapshot fails.
  test.each([
    ['default', variants.default, COUNTS_TWO_AZ],
    ['threeAzMixed', variants.threeAzMixed, COUNTS_THREE_AZ],
    ['sixAzUsEast1', variants.sixAzUsEast1, COUNTS_SIX_AZ],
    ['masterSecretMode', variants.masterSecretMode, COUNTS_TWO_AZ],
  ] as const)('resource types and counts (%s)', (_name, config, expected) => {
    expect(resourceTypeCounts(synthesize(config).template)).toEqual(expected);
  });

  test('synthesis is reproducible (same normalised template twice)', () => {
    // build(), not the cached synthesize(): two independent syntheses (with the shared one, support/README.md).
    const again = Template.fromStack(build(variants.default, {}, WITHOUT_BUNDLING).stack).toJSON();
    expect(normalizeAssetHashes(again)).toEqual(normalizeAssetHashes(synthesize(variants.default).template.toJSON()));
  });

  test.each([false, true])('the shared synthesis is the one this file would make (recommended flags: %s)', (recommendedFlags) => {
    // synthesize() reads variants from the run's shared syntheses; its tree (built for the construct
    // checks above) is synthesized here, in this file.
    const { template, stack } = synthesize(variants.threeAzMixed, { recommendedFlags });
    expect(normalizeAssetHashes(template.toJSON())).toEqual(normalizeAssetHashes(Template.fromStack(stack).toJSON()));
  });
});
