import { jest } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { instanceClassFacts } from '../../src/constructs/instance-class.js';
import { focusedConfigs, variants } from '../support/configs.js';
import { onlyResource } from '../support/template.js';
import { fixtureTemplatesOf, templatesOf } from '../support/templates-of.js';

// Synthesis runs esbuild (bootstrap Lambda) and cdk-nag: slower than jest's 5 s default.
jest.setTimeout(180_000);

const config = focusedConfigs.withAlarmEmail;

/** What an alarm watches: `Namespace/MetricName Stat Period [dimension names]`, or the math expression over such metrics. */
function watched(alarm: Record<string, any>): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  const describe = (metric: Record<string, any>, stat: string, period: number) => // eslint-disable-line @typescript-eslint/no-explicit-any
    `${metric.Namespace}/${metric.MetricName} ${stat} ${period} [${((metric.Dimensions ?? []) as { Name: string }[]).map((d) => d.Name).join(',')}]`;
  if (alarm.MetricName) return describe(alarm, alarm.Statistic ?? alarm.ExtendedStatistic, alarm.Period);
  const parts = (alarm.Metrics as Record<string, any>[]).map((m) => // eslint-disable-line @typescript-eslint/no-explicit-any
    m.Expression ? `= ${m.Expression}` : `${m.Id}: ${describe(m.MetricStat.Metric, m.MetricStat.Stat, m.MetricStat.Period)}`,
  );
  return parts.length === 1 ? parts[0]!.replace(/^m1: /, '') : parts.sort().join('; ');
}

const RDS = '[DBInstanceIdentifier]';
const PROXY = '[ProxyName]';
const TG = '[LoadBalancer,TargetGroup]';
const ECS = '[ClusterName,ServiceName]';
const GT = 'GreaterThanThreshold';
const LT = 'LessThanThreshold';

/** Alarm name suffix → what it watches, comparison, threshold per profile, evaluation periods per profile. */
const EXPECTED_ALARMS: Record<string, { watches: string; comparison: string; production: number; development: number; periods: [number, number] }> = {
  'Database-CPU-Usage-High': { watches: `AWS/RDS/CPUUtilization Average 300 ${RDS}`, comparison: GT, production: 80, development: 90, periods: [3, 6] },
  'Database-Min-Usage-Count-Low': { watches: `AWS/RDS/FreeStorageSpace Maximum 300 ${RDS}`, comparison: LT, production: 2.5 * 1024 ** 3, development: 1024 ** 3, periods: [3, 6] },
  'Database-Freeable-Memory-Low': { watches: `AWS/RDS/FreeableMemory Minimum 300 ${RDS}`, comparison: LT, production: 858_993_459, development: 429_496_729, periods: [3, 6] },
  'Database-Connections-High': { watches: `AWS/RDS/DatabaseConnections Maximum 300 ${RDS}`, comparison: GT, production: 545, development: 613, periods: [3, 6] },
  'Database-Iam-Auth-Failures-High': { watches: 'my-stack-prod/Database/IamAuthenticationFailures Sum 300 []', comparison: GT, production: 5, development: 20, periods: [3, 6] },
  'Proxy-Availability-Low': { watches: 'AWS/RDS/AvailabilityPercentage Average 60 [ProxyName,TargetGroup,TargetRole]', comparison: LT, production: 99, development: 90, periods: [15, 30] },
  'Proxy-Client-Connections-High': { watches: `AWS/RDS/ClientConnections Sum 60 ${PROXY}`, comparison: GT, production: 48, development: 54, periods: [15, 30] },
  'Proxy-Database-Connections-High': {
    watches: `= IF(allowed > 0, 100 * connections / allowed, 0); allowed: AWS/RDS/MaxDatabaseConnectionsAllowed Sum 60 ${PROXY}; connections: AWS/RDS/DatabaseConnections Sum 60 ${PROXY}`,
    comparison: GT,
    production: 80,
    development: 90,
    periods: [15, 30],
  },
  'Proxy-Pinned-Connections-High': {
    watches: `= IF(connections > 0, 100 * pinned / connections, 0); connections: AWS/RDS/DatabaseConnections Sum 60 ${PROXY}; pinned: AWS/RDS/DatabaseConnectionsCurrentlySessionPinned Sum 60 ${PROXY}`,
    comparison: GT,
    production: 20,
    development: 50,
    periods: [15, 30],
  },
  'Proxy-Query-Latency-High': { watches: `AWS/RDS/QueryDatabaseResponseLatency Average 60 ${PROXY}`, comparison: GT, production: 100_000, development: 500_000, periods: [15, 30] },
  'Service-LoadBalancer-5xx-High': { watches: 'AWS/ApplicationELB/HTTPCode_ELB_5XX_Count Sum 300 [LoadBalancer]', comparison: GT, production: 10, development: 50, periods: [3, 6] },
  'Service-Target-5xx-High': { watches: `AWS/ApplicationELB/HTTPCode_Target_5XX_Count Sum 300 ${TG}`, comparison: GT, production: 10, development: 50, periods: [3, 6] },
  'Service-Unhealthy-Tasks-High': { watches: `AWS/ApplicationELB/UnHealthyHostCount Maximum 300 ${TG}`, comparison: GT, production: 0, development: 1, periods: [3, 6] },
  'Service-Target-Latency-P99-High': { watches: `AWS/ApplicationELB/TargetResponseTime p99 300 ${TG}`, comparison: GT, production: 1, development: 3, periods: [3, 6] },
  'Service-Tasks-Below-Desired': {
    watches: `= desired - running; desired: ECS/ContainerInsights/DesiredTaskCount Average 300 ${ECS}; running: ECS/ContainerInsights/RunningTaskCount Average 300 ${ECS}`,
    comparison: GT,
    production: 0,
    development: 0,
    periods: [3, 6],
  },
  'Service-CPU-Usage-High': { watches: `AWS/ECS/CPUUtilization Average 300 ${ECS}`, comparison: GT, production: 80, development: 90, periods: [3, 6] },
  'Service-Memory-Usage-High': { watches: `AWS/ECS/MemoryUtilization Average 300 ${ECS}`, comparison: GT, production: 80, development: 90, periods: [3, 6] },
  'UserBootstrap-Fault-Count-Errors': { watches: 'AWS/Lambda/Errors Sum 300 [FunctionName]', comparison: GT, production: 0, development: 0, periods: [1, 1] },
};

const ROLLBACK_ALARMS = ['Service-Unhealthy-Tasks-High', 'Service-LoadBalancer-5xx-High', 'Service-Target-5xx-High'];

describe.each(['production', 'development'] as const)('monitoring, %s profile', (profile) => {
  // The development profile's stack is a named fixture (support/fixtures.ts); synthesis ran cdk-nag (findings throw here).
  const template = profile === 'production' ? templatesOf(config).template : fixtureTemplatesOf('developmentProfileWithAlarmEmail').template;
  const topicId = onlyResource(template, 'AWS::SNS::Topic').id;
  const alarms = Object.fromEntries(
    Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, alarm]) => [alarm.Properties.AlarmName as string, { id, props: alarm.Properties }]),
  );

  test('exactly the expected alarms exist', () => {
    expect(Object.keys(alarms).sort()).toEqual(Object.keys(EXPECTED_ALARMS).map((suffix) => `my-stack-prod-${suffix}`).sort());
  });

  test.each(Object.entries(EXPECTED_ALARMS))('alarm %s: metric, dimensions, threshold, periods, actions', (suffix, expected) => {
    const alarm = alarms[`my-stack-prod-${suffix}`]!.props;
    expect(watched(alarm)).toBe(expected.watches);
    const periods = expected.periods[profile === 'production' ? 0 : 1];
    expect(alarm).toMatchObject({
      ComparisonOperator: expected.comparison,
      Threshold: expected[profile],
      EvaluationPeriods: periods,
      DatapointsToAlarm: periods,
      ActionsEnabled: true,
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
  });

  test('dimensions point at this stack\'s resources', () => {
    const json = (name: string) => JSON.stringify(alarms[`my-stack-prod-${name}`]!.props);
    expect(json('Database-CPU-Usage-High')).toContain(`{"Name":"DBInstanceIdentifier","Value":{"Ref":"${onlyResource(template, 'AWS::RDS::DBInstance').id}"}}`);
    expect(json('Proxy-Availability-Low')).toContain(`{"Name":"ProxyName","Value":{"Ref":"${onlyResource(template, 'AWS::RDS::DBProxy').id}"}},{"Name":"TargetGroup","Value":"default"},{"Name":"TargetRole","Value":"READ_WRITE"}`);
    expect(json('Service-CPU-Usage-High')).toContain(`{"Name":"ServiceName","Value":{"Fn::GetAtt":["${onlyResource(template, 'AWS::ECS::Service').id}","Name"]}}`);
    expect(json('Service-Target-5xx-High')).toContain(`{"Fn::GetAtt":["${onlyResource(template, 'AWS::ElasticLoadBalancingV2::TargetGroup').id}","TargetGroupFullName"]}`);
    expect(json('UserBootstrap-Fault-Count-Errors')).toMatch(/"FunctionName","Value":\{"Ref":"DatabaseUsersFunction/);
  });

  test('no requests means no 5xx and no slow responses; a silent IAM error log means no failures', () => {
    for (const name of ['Service-LoadBalancer-5xx-High', 'Service-Target-5xx-High', 'Service-Target-Latency-P99-High', 'Database-Iam-Auth-Failures-High', 'UserBootstrap-Fault-Count-Errors']) {
      expect(alarms[`my-stack-prod-${name}`]!.props.TreatMissingData).toBe('notBreaching');
    }
  });

  test('a rollout that raises the 5xx or unhealthy-host alarms rolls back (beside the circuit breaker)', () => {
    const service = onlyResource(template, 'AWS::ECS::Service');
    expect(service.props.DeploymentConfiguration).toMatchObject({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      Alarms: { Enable: true, Rollback: true, AlarmNames: ROLLBACK_ALARMS.map((name) => `my-stack-prod-${name}`) },
    });
    // Named literally (no reference back from the service), created before it.
    expect(template.toJSON().Resources[service.id].DependsOn).toEqual(expect.arrayContaining(ROLLBACK_ALARMS.map((name) => alarms[`my-stack-prod-${name}`]!.id)));
  });

  test('IAM authentication failures: a metric filter counting every line of the exported iam-db-auth-error log', () => {
    const filter = onlyResource(template, 'AWS::Logs::MetricFilter').props;
    expect(filter).toMatchObject({
      FilterPattern: '',
      MetricTransformations: [{ MetricNamespace: 'my-stack-prod/Database', MetricName: 'IamAuthenticationFailures', MetricValue: '1', DefaultValue: 0 }],
    });
    const logGroup = template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.stringLikeRegexp('/iam-db-auth-error$') } });
    expect(filter.LogGroupName).toEqual({ Ref: Object.keys(logGroup)[0] });
  });
});

describe('notification topic, events, dashboard and audit log', () => {
  const { template } = templatesOf(config);
  const topic = onlyResource(template, 'AWS::SNS::Topic');
  const partition = { Ref: 'AWS::Partition' };

  test('topic: KMS-encrypted with its own rotating key, TLS-only, publish only for this account\'s alarms and RDS events', () => {
    const keyId = topic.props.KmsMasterKeyId['Fn::GetAtt'][0];
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('notification topic') } });
    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toContain(keyId);
    const policy = onlyResource(template, 'AWS::SNS::TopicPolicy').props;
    expect(policy.Topics).toEqual([{ Ref: topic.id }]);
    const source = (service: string, resource: string) => ({
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', partition, `:${service}:eu-west-1:123456789012:${resource}`]] } },
    });
    expect(policy.PolicyDocument.Statement).toEqual([
      { Sid: 'AllowPublishThroughSSLOnly', Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: { Ref: topic.id }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Sid: 'CloudWatchAlarmsOfThisAccount', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: topic.id }, Condition: source('cloudwatch', 'alarm:*') },
      { Sid: 'RdsEventsOfThisAccount', Effect: 'Allow', Principal: { Service: 'events.rds.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: topic.id }, Condition: source('rds', '*') },
    ]);
    const keyPolicy = template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement as { Sid?: string; Principal: unknown; Action: unknown }[];
    for (const [sid, service] of [['CloudWatchAlarmsOfThisAccount', 'cloudwatch.amazonaws.com'], ['RdsEventsOfThisAccount', 'events.rds.amazonaws.com']]) {
      expect(keyPolicy).toContainEqual(expect.objectContaining({ Sid: sid, Principal: { Service: service }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }));
    }
  });

  test('the alarm e-mail answer is subscribed; without it there is no subscription', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topic.id } });
    const without = templatesOf(variants.default).template;
    without.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('RDS event subscription: the instance\'s availability, failover, failure, low storage, maintenance and configuration events', () => {
    const subscription = onlyResource(template, 'AWS::RDS::EventSubscription');
    expect(subscription.props).toEqual({
      Enabled: true,
      SnsTopicArn: { Ref: topic.id },
      SourceType: 'db-instance',
      SourceIds: [{ Ref: onlyResource(template, 'AWS::RDS::DBInstance').id }],
      EventCategories: ['availability', 'failover', 'failure', 'low storage', 'maintenance', 'configuration change'],
    });
    // Created only once the topic policy lets RDS publish.
    expect(template.toJSON().Resources[subscription.id].DependsOn).toEqual(expect.arrayContaining([onlyResource(template, 'AWS::SNS::TopicPolicy').id]));
  });

  test('dashboard with the same signals; its URL is a stack output', () => {
    const dashboard = onlyResource(template, 'AWS::CloudWatch::Dashboard');
    expect(dashboard.props.DashboardName).toBe('my-stack-prod');
    const body = JSON.stringify(dashboard.props.DashboardBody);
    for (const metric of ['CPUUtilization', 'FreeStorageSpace', 'ClientConnections', 'DatabaseConnectionsCurrentlySessionPinned', 'HTTPCode_Target_5XX_Count', 'RunningTaskCount', 'IamAuthenticationFailures']) {
      expect(body).toContain(metric);
    }
    expect(template.toJSON().Outputs.DashboardUrl.Value).toEqual({
      'Fn::Join': ['', ['https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/', { Ref: dashboard.id }]],
    });
  });

  test('audit log: MARIADB_AUDIT_PLUGIN records connections, DDL and DCL, exported to an encrypted log group with retention', () => {
    const options = onlyResource(template, 'AWS::RDS::OptionGroup');
    expect(options.props).toMatchObject({
      EngineName: 'mysql',
      MajorEngineVersion: '8.4',
      OptionConfigurations: [
        {
          OptionName: 'MARIADB_AUDIT_PLUGIN',
          OptionSettings: [
            { Name: 'SERVER_AUDIT_EVENTS', Value: 'CONNECT,QUERY_DDL,QUERY_DCL' },
            { Name: 'SERVER_AUDIT_EXCL_USERS', Value: 'rdsadmin' },
          ],
        },
      ],
    });
    const instance = onlyResource(template, 'AWS::RDS::DBInstance').props;
    expect(instance.OptionGroupName).toEqual({ Ref: options.id });
    expect(instance.EnableCloudwatchLogsExports).toContain('audit');
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: Match.stringLikeRegexp('^/aws/rds/instance/[a-z0-9]+/audit$'),
        RetentionInDays: 365,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
      },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('instance class facts (memory and connection limits for the alarms)', () => {
  test.each([
    ['m7g.large', 8, 682, false],
    ['r7g.xlarge', 32, 2730, false],
    ['t4g.medium', 4, 341, true],
  ])('%s: %d GiB, max_connections %d, burstable %s', (name, gib, connections, burstable) => {
    expect(instanceClassFacts(new ec2.InstanceType(name))).toEqual({ memoryBytes: gib * 1024 ** 3, maxConnections: connections, burstable });
  });

  test('an unknown class is refused with a pointer to the table', () => {
    expect(() => instanceClassFacts(new ec2.InstanceType('z1d.large'))).toThrow(/Unknown memory size of instance type 'z1d.large'.*instance-class\.ts/);
  });
});
