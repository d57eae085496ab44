import { describe, expect, jest, test } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { OPERATOR_ROLE_ARN, variants } from '../support/configs.js';
import { onlyResource, proxyUserArn } from '../support/template.js';
import { templatesOf } from '../support/templates-of.js';

// Synthesis runs esbuild (bootstrap Lambda) and cdk-nag: slower than jest's 5 s default.
jest.setTimeout(180_000);

/** threeAzMixed names two operators and has an admin (dba) and a read-only (reporting) user besides the app's. */
describe('operator access (threeAzMixed: operators configured)', () => {
  const { template, nagFindings } = templatesOf(variants.threeAzMixed);
  const operatorRole = () => {
    const found = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith('OperatorAccessRole'));
    expect(found).toHaveLength(1);
    return { id: found[0]![0], props: found[0]![1].Properties };
  };
  const operatorStatements = () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(operatorRole().id));
    expect(policies).toHaveLength(1);
    return policies[0]!.Properties.PolicyDocument.Statement as Record<string, unknown>[];
  };
  const instanceUserArn = (user: string) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds-db:eu-central-1:123456789012:dbuser:', { 'Fn::GetAtt': [onlyResource(template, 'AWS::RDS::DBInstance').id, 'DbiResourceId'] }, `/${user}`]],
  });
  const taskArns = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:eu-central-1:123456789012:task/orders-db-prod/*']] };

  test('the role trusts exactly the configured operators, for an hour', () => {
    expect(operatorRole().props.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: OPERATOR_ROLE_ARN } },
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/break-fix' } },
    ]);
    expect(operatorRole().props.MaxSessionDuration).toBe(3600);
  });

  test('rds-db:connect as exactly the admin and read-only users, on the proxy and the instance; never the app\'s users', () => {
    const connects = operatorStatements().filter((s) => s.Action === 'rds-db:connect');
    const proxy = Object.keys(template.findResources('AWS::RDS::DBProxy'))[0]!;
    expect(connects).toEqual(['reporting', 'dba'].flatMap((user) => [
      { Action: 'rds-db:connect', Effect: 'Allow', Resource: proxyUserArn('eu-central-1', proxy, user) },
      { Action: 'rds-db:connect', Effect: 'Allow', Resource: instanceUserArn(user) },
    ]));
    const text = JSON.stringify(connects);
    for (const user of ['orders_app', 'migrator']) expect(text).not.toContain(`/${user}"`);
  });

  test('the tunnel: port forwarding to a remote host on this cluster\'s tasks only, with the document check; no shell, no exec', () => {
    const statements = operatorStatements().filter((s) => s.Action !== 'rds-db:connect');
    expect(statements).toEqual([
      {
        Sid: 'PortForwardingToThisClustersTasks',
        Action: 'ssm:StartSession',
        Effect: 'Allow',
        Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
        Resource: [taskArns, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:eu-central-1::document/AWS-StartPortForwardingSessionToRemoteHost']] }],
      },
      {
        Sid: 'FindARunningTask',
        Action: 'ecs:ListTasks',
        Effect: 'Allow',
        Resource: '*',
        Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [expect.stringMatching(/^ServiceCluster/), 'Arn'] } } },
      },
      {
        Sid: 'ReadTheTasksRuntimeId',
        Action: 'ecs:DescribeTasks',
        Effect: 'Allow',
        Resource: taskArns,
        Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [expect.stringMatching(/^ServiceCluster/), 'Arn'] } } },
      },
      {
        Sid: 'ReadTheStagesOutputs',
        Action: 'cloudformation:DescribeStacks',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudformation:eu-central-1:123456789012:stack/orders-db-prod/*']] },
      },
    ]);
    const everything = JSON.stringify(operatorStatements());
    for (const forbidden of ['ecs:ExecuteCommand', 'secretsmanager:', 'kms:', 'SSM-SessionManagerRunShell', 'iam:PassRole']) expect(everything).not.toContain(forbidden);
  });

  test('ECS Exec on the service, sessions logged to their own KMS-encrypted log group, the root file system still read-only', () => {
    const service = onlyResource(template, 'AWS::ECS::Service').props;
    expect(service.EnableExecuteCommand).toBe(true);
    const cluster = onlyResource(template, 'AWS::ECS::Cluster').props;
    expect(cluster.Configuration.ExecuteCommandConfiguration).toEqual({
      Logging: 'OVERRIDE',
      LogConfiguration: { CloudWatchEncryptionEnabled: true, CloudWatchLogGroupName: { Ref: expect.stringMatching(/^ServiceExecSessionLogs/) } },
    });
    const sessionLogs = Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([id]) => id.startsWith('ServiceExecSessionLogs'));
    expect(sessionLogs).toHaveLength(1);
    expect(sessionLogs[0]![1].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] });
    expect(sessionLogs[0]![1].DeletionPolicy).toBe('Retain');
    const appTask = Object.values(template.findResources('AWS::ECS::TaskDefinition'))
      .map((t) => t.Properties)
      .find((t) => t.ContainerDefinitions[0].Name === 'app')!;
    expect(appTask.ContainerDefinitions[0].ReadonlyRootFilesystem).toBe(true);
    expect(appTask.ContainerDefinitions[0].MountPoints).toEqual([
      { SourceVolume: 'ssm-agent-managed', ContainerPath: '/managed-agents', ReadOnly: false },
      { SourceVolume: 'ssm-agent-state', ContainerPath: '/var/lib/amazon/ssm', ReadOnly: false },
      { SourceVolume: 'ssm-agent-logs', ContainerPath: '/var/log/amazon/ssm', ReadOnly: false },
    ]);
  });

  test('the agent reaches Session Manager through an endpoint; the tasks reach the instance only for the tunnel', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.eu-central-1.ssmmessages',
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseInstanceSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceTaskSecurityGroup'), 'GroupId'] },
      Description: Match.stringLikeRegexp('operators\' tunnel'),
    });
  });

  test('outputs for db:connect: the role, the users, the instance endpoint', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.OperatorRoleArn!.Value).toEqual({ 'Fn::GetAtt': [operatorRole().id, 'Arn'] });
    expect(outputs.OperatorDatabaseUsers!.Value).toBe('reporting,dba');
    expect(outputs.DatabaseInstanceEndpoint!.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DatabaseInstance/), 'Endpoint.Address'] });
  });

  test('cdk-nag clean', () => {
    expect(nagFindings).toEqual([]);
  });
});

describe('no operators (default config)', () => {
  const { template } = templatesOf(variants.default);

  test('no operator role, no ECS Exec, no Session Manager endpoint, the instance admits no task', () => {
    expect(Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('OperatorAccess'))).toEqual([]);
    expect(onlyResource(template, 'AWS::ECS::Service').props.EnableExecuteCommand).toBeUndefined();
    expect(JSON.stringify(template.toJSON())).not.toContain('ssmmessages');
    expect(template.toJSON().Outputs.OperatorRoleArn).toBeUndefined();
    const fromTasks = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((rule) => JSON.stringify(rule.Properties.GroupId).includes('DatabaseInstanceSecurityGroup') && JSON.stringify(rule.Properties.SourceSecurityGroupId).includes('ServiceTaskSecurityGroup'));
    expect(fromTasks).toEqual([]);
  });
});
