import { jest } from '@jest/globals';
import { Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { accountGroups, addStages } from '../../src/stages.js';
import { variants } from '../support/configs.js';
import { checkedApp, nagFindings, synthesize, WITHOUT_BUNDLING } from '../support/synth.js';
import { onlyResource } from '../support/template.js';

// Synthesis runs esbuild (bootstrap Lambda) and cdk-nag: slower than jest's 5 s default.
jest.setTimeout(300_000);

/** What a profile decides, read back from the synthesized template. */
function profileOf(template: Template) {
  const instance = onlyResource(template, 'AWS::RDS::DBInstance').props;
  const loadBalancer = onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').props;
  const scaling = onlyResource(template, 'AWS::ApplicationAutoScaling::ScalableTarget').props;
  const service = onlyResource(template, 'AWS::ECS::Service').props;
  return {
    instanceClass: instance.DBInstanceClass,
    multiAz: instance.MultiAZ,
    natGateways: Object.keys(template.findResources('AWS::EC2::NatGateway')).length,
    // The service runs its tasks once an image tag is set (0 before the first image).
    desiredTasks: service.DesiredCount,
    maxTasks: scaling.MaxCapacity,
    databaseDeletionProtection: instance.DeletionProtection,
    loadBalancerDeletionProtection: (loadBalancer.LoadBalancerAttributes as { Key: string; Value: string }[])
      .find((attribute) => attribute.Key === 'deletion_protection.enabled')?.Value,
    backupRetentionDays: instance.BackupRetentionPeriod,
  };
}

describe('stage profiles', () => {
  test('production: Multi-AZ on a non-burstable class, two or more tasks, deletion protection, two weeks of backups', () => {
    expect(profileOf(synthesize(variants.default).template)).toEqual({
      instanceClass: 'db.m7g.large',
      multiAz: true,
      // No internet egress in this variant: no NAT gateway in any profile (network.test.ts covers the modes).
      natGateways: 0,
      desiredTasks: { 'Fn::If': [expect.stringMatching(/HasImage/), 2, 0] },
      maxTasks: 6,
      databaseDeletionProtection: true,
      loadBalancerDeletionProtection: 'true',
      backupRetentionDays: 14,
    });
  });

  test('development: single-AZ small class, one task, no deletion protection, short backups', () => {
    expect(profileOf(synthesize(variants.development).template)).toEqual({
      instanceClass: 'db.t4g.medium',
      multiAz: false,
      natGateways: 0,
      desiredTasks: { 'Fn::If': [expect.stringMatching(/HasImage/), 1, 0] },
      maxTasks: 2,
      databaseDeletionProtection: false,
      loadBalancerDeletionProtection: 'false',
      backupRetentionDays: 3,
    });
  });

  test('development still takes a final snapshot when the stack removes the database', () => {
    const { template } = synthesize(variants.development);
    template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
  });

  test("development's choices are acknowledged with their reason (cdk-nag) and skipped with it (checkov)", () => {
    const { nagFindings: findings, template } = synthesize(variants.development);
    expect(findings).toEqual([]);
    const instance = Object.values(template.findResources('AWS::RDS::DBInstance'))[0]!;
    expect(instance.Metadata.checkov.skip.map((skip: { id: string }) => skip.id).sort()).toEqual(['CKV_AWS_157', 'CKV_AWS_293']);
    template.hasResource('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Metadata: { checkov: { skip: Match.arrayWith([Match.objectLike({ id: 'CKV_AWS_150' })]) } },
    });
  });

  test('production acknowledges none of them', () => {
    const { template } = synthesize(variants.default);
    const instance = Object.values(template.findResources('AWS::RDS::DBInstance'))[0]!;
    expect(instance.Metadata?.checkov).toBeUndefined();
    expect(JSON.stringify(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))).not.toContain('CKV_AWS_150');
  });
});

describe('two stages in two accounts', () => {
  const config = variants.twoAccounts;
  const app = checkedApp(WITHOUT_BUNDLING);
  const { stages, ciAccess } = addStages(app, config);

  test('one Stage per stage, in promotion order, each with its app stack <stack>-<stage> in its account and region', () => {
    expect(stages.map(({ stage, stack }) => [stage.stageName, stack.stackName, stack.account, stack.region])).toEqual([
      ['dev', 'my-stack-dev', '111111111111', 'eu-west-1'],
      ['prod', 'my-stack-prod', '222222222222', 'eu-central-1'],
    ]);
  });

  test("each stage holds its own us-east-1 companion <stack>-<stage>-edge, in the stage's account", () => {
    expect(stages.map(({ stage, stack }) => [Stage.of(stack.edge) === stage, stack.edge.stackName, stack.edge.account, stack.edge.region])).toEqual([
      [true, 'my-stack-dev-edge', '111111111111', 'us-east-1'],
      [true, 'my-stack-prod-edge', '222222222222', 'us-east-1'],
    ]);
  });

  test('every derived name is unique per stage (SSM prefix, image repository, cluster, migration family and role path, log groups, RDS identifiers, alarms, dashboard)', () => {
    const NAMED = ['Name', 'RepositoryName', 'ClusterName', 'Family', 'Path', 'LogGroupName', 'DBInstanceIdentifier', 'DBProxyName', 'AlarmName', 'DashboardName'];
    const [dev, prod] = stages.map(({ stack }) => {
      const resources = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, { Properties?: Record<string, unknown> }>);
      return new Set(resources.flatMap((resource) => NAMED.map((key) => resource.Properties?.[key]).filter((name): name is string => typeof name === 'string')));
    });
    expect(dev).toContain('/my-stack-dev/database/name');
    expect(dev).toContain('my-stack-dev/app');
    expect(prod).toContain('my-stack-prod-migrate');
    expect(prod).toContain('/my-stack-prod/migration/');
    expect(prod).toContain('my-stack-prod');
    // Names both stages share would collide when they share an account and region; only the MySQL
    // parameter group family may repeat.
    expect([...dev!].filter((name) => prod!.has(name))).toEqual(['mysql8.4']);
  });

  test('one CI-access stack per account, whose roles trust only the stages in that account', () => {
    expect(ciAccess.map((stack) => [stack.stackName, stack.account, Object.keys(stack.deployRoles)])).toEqual([
      ['my-stack-ci-access-dev', '111111111111', ['dev']],
      ['my-stack-ci-access-prod', '222222222222', ['prod']],
    ]);
    const devTrust = JSON.stringify(Template.fromStack(ciAccess[0]!).findResources('AWS::IAM::Role'));
    expect(devTrust).toContain('repo:acme/orders:environment:dev');
    expect(devTrust).not.toContain('environment:prod');
    // Each deploy role may assume its stage's bootstrap roles in the stage's region and in us-east-1 (the edge stack).
    const devPolicies = JSON.stringify(Template.fromStack(ciAccess[0]!).findResources('AWS::IAM::Policy'));
    expect(devPolicies).toContain('cdk-hnb659fds-deploy-role-111111111111-eu-west-1');
    expect(devPolicies).toContain('cdk-hnb659fds-deploy-role-111111111111-us-east-1');
    expect(devPolicies).not.toContain('eu-central-1');
  });

  test('the whole app synthesizes with cdk-nag clean', () => {
    expect(() => app.synth()).not.toThrow();
    expect(nagFindings(app)).toEqual([]);
  });

  test('stages group by account in order of first appearance; stages without an account share one group', () => {
    const [dev, prod] = config.stages;
    const local = { ...dev!, name: 'qa', account: undefined };
    expect(accountGroups([dev!, local, prod!, { ...local, name: 'uat' }]).map((group) => [group.account, group.stages.map((s) => s.name)])).toEqual([
      ['111111111111', ['dev']],
      [undefined, ['qa', 'uat']],
      ['222222222222', ['prod']],
    ]);
  });
});
