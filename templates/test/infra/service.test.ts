import { jest } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { focusedConfigs, variants } from '../support/configs.js';
import { onlyResource, proxyUserArn } from '../support/template.js';
import { templatesOf } from '../support/templates-of.js';

// Synthesis runs esbuild (bootstrap Lambda) and cdk-nag: slower than jest's 5 s default.
jest.setTimeout(180_000);

describe('Service (default config: no domain)', () => {
  const { template } = templatesOf(variants.default);
  const taskSg = () => Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^App tasks') } }))[0]!;
  const albSg = () => Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('LoadBalancer') } }))[0]!;

  test('ECR repository: scan on push, immutable tags, lifecycle rules, KMS encryption, retained', () => {
    template.hasResource('AWS::ECR::Repository', {
      Properties: {
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
        EncryptionConfiguration: { EncryptionType: 'KMS' },
        LifecyclePolicy: { LifecyclePolicyText: Match.stringLikeRegexp('untagged.*imageCountMoreThan|sinceImagePushed') },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('the image tag is a parameter; without it the service runs 0 tasks (first deployment)', () => {
    template.hasParameter('ImageTag', { Type: 'String', Default: '' });
    const conditions = Object.keys(template.findConditions('*'));
    expect(conditions).toEqual([expect.stringMatching(/^ServiceHasImage/)]);
    const condition = conditions[0]!;
    expect(template.toJSON().Conditions[condition]).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ImageTag' }, ''] }] });
    const service = onlyResource(template, 'AWS::ECS::Service').props;
    expect(service.DesiredCount).toEqual({ 'Fn::If': [condition, 2, 0] });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: { 'Fn::If': [condition, 2, 0] },
      MaxCapacity: 6,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    const image = JSON.stringify(onlyResource(template, 'AWS::ECS::TaskDefinition').props.ContainerDefinitions[0].Image);
    expect(image).toContain('ServiceRepository');
    expect(image).toContain('{"Ref":"ImageTag"}');
  });

  test('Fargate service: private app subnets in every AZ, no public IP, rollback on failure, Container Insights', () => {
    const service = onlyResource(template, 'AWS::ECS::Service').props;
    expect(service).toMatchObject({
      LaunchType: 'FARGATE',
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100 },
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', SecurityGroups: [{ 'Fn::GetAtt': [taskSg(), 'GroupId'] }] } },
    });
    const subnets = service.NetworkConfiguration.AwsvpcConfiguration.Subnets as { Ref: string }[];
    expect(subnets.map((s) => s.Ref)).toEqual([expect.stringMatching(/^NetworkVpcappSubnet1/), expect.stringMatching(/^NetworkVpcappSubnet2/)]);
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
  });

  test('task definition: the app role as task role, own execution role, encrypted logs, health check, no secrets', () => {
    const task = onlyResource(template, 'AWS::ECS::TaskDefinition').props;
    expect(task.TaskRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AppTaskRole/), 'Arn'] });
    expect(task.ExecutionRoleArn['Fn::GetAtt'][0]).toMatch(/^ServiceTaskDefinitionExecutionRole/);
    expect(task).toMatchObject({ RequiresCompatibilities: ['FARGATE'], NetworkMode: 'awsvpc', RuntimePlatform: { CpuArchitecture: 'ARM64' } });
    const [container] = task.ContainerDefinitions;
    expect(container).toMatchObject({
      ReadonlyRootFilesystem: true,
      StopTimeout: 30,
      PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
      HealthCheck: { Command: ['CMD', 'node', '-e', expect.stringContaining('/healthz')] },
      LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': { Ref: expect.stringMatching(/^ServiceLogGroup/) } } },
    });
    const env = Object.fromEntries((container.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]));
    const proxyId = onlyResource(template, 'AWS::RDS::DBProxy').id;
    expect(env).toEqual({
      DB_HOST: { 'Fn::GetAtt': [proxyId, 'Endpoint'] },
      DB_PORT: '3306',
      DB_NAME: 'app',
      DB_USER: 'app_user',
      DB_REGION: 'eu-west-1',
      DB_POOL_SIZE: '10',
      PORT: '8080',
      NODE_ENV: 'production',
    });
    expect(container.Secrets).toBeUndefined();
    expect(JSON.stringify(task)).not.toMatch(/password|secretsmanager/i);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.absent(),
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
      RetentionInDays: 365,
    });
  });

  test('RDS Proxy admits only the service tasks on 3306; tasks admit only the load balancer', () => {
    const proxySg = Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^RDS Proxy') } }))[0]!;
    const ingress = (sg: string) =>
      Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .map((r) => r.Properties)
        .filter((p) => JSON.stringify(p.GroupId).includes(sg));
    expect(ingress(proxySg)).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, SourceSecurityGroupId: { 'Fn::GetAtt': [taskSg(), 'GroupId'] } }),
    ]);
    expect(ingress(taskSg())).toEqual([
      expect.objectContaining({ FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: { 'Fn::GetAtt': [albSg(), 'GroupId'] } }),
    ]);
  });

  test('ALB: internal (no public address) in the app subnets, drops invalid headers, deletion protection, access logs', () => {
    const alb = onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').props;
    expect(alb.Scheme).toBe('internal');
    expect((alb.Subnets as { Ref: string }[]).map((s) => s.Ref)).toEqual([expect.stringMatching(/^NetworkVpcappSubnet1/), expect.stringMatching(/^NetworkVpcappSubnet2/)]);
    const attributes = Object.fromEntries((alb.LoadBalancerAttributes as { Key: string; Value: unknown }[]).map((a) => [a.Key, a.Value]));
    expect(attributes).toMatchObject({
      'routing.http.drop_invalid_header_fields.enabled': 'true',
      'deletion_protection.enabled': 'true',
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.bucket': { Ref: expect.stringMatching(/^ServiceAccessLogBucket/) },
      'access_logs.s3.prefix': 'alb',
    });
  });

  test('without a domain: one internal HTTP listener forwarding to the tasks, no certificate', () => {
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    const listener = onlyResource(template, 'AWS::ElasticLoadBalancingV2::Listener').props;
    expect(listener).toMatchObject({ Port: 80, Protocol: 'HTTP', DefaultActions: [{ Type: 'forward' }] });
  });

  test('the load balancer admits only its own subnets (where CloudFront puts the VPC origin) on the listener port', () => {
    const ingress = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('LoadBalancer') } });
    const rules = Object.values(ingress)[0]!.Properties.SecurityGroupIngress as Record<string, unknown>[];
    expect(rules).toEqual([
      expect.objectContaining({ CidrIp: '10.0.16.0/20', FromPort: 80, ToPort: 80 }),
      expect.objectContaining({ CidrIp: '10.0.32.0/20', FromPort: 80, ToPort: 80 }),
    ]);
    const groupsAndRules = ['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress'].map((type) => template.findResources(type));
    expect(JSON.stringify(groupsAndRules)).not.toContain('0.0.0.0/0');
  });

  test('task security group: out only to the VPC endpoints, the S3 prefix list and RDS Proxy; no 0.0.0.0/0', () => {
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))
      .map((r) => r.Properties)
      .filter((p) => JSON.stringify(p.GroupId).includes(taskSg()));
    const endpointSg = Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Interface VPC endpoints') } }))[0]!;
    const proxySg = Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^RDS Proxy') } }))[0]!;
    expect(egress).toEqual(expect.arrayContaining([
      expect.objectContaining({ FromPort: 443, ToPort: 443, DestinationSecurityGroupId: { 'Fn::GetAtt': [endpointSg, 'GroupId'] } }),
      expect.objectContaining({ FromPort: 443, ToPort: 443, DestinationPrefixListId: { 'Fn::GetAtt': [expect.stringMatching(/^NetworkAwsApisS3PrefixList/), 'PrefixLists.0.PrefixListId'] } }),
      expect.objectContaining({ FromPort: 3306, ToPort: 3306, DestinationSecurityGroupId: { 'Fn::GetAtt': [proxySg, 'GroupId'] } }),
    ]));
    expect(egress).toHaveLength(3);
    const inline = onlyTaskGroup(template, taskSg()).SecurityGroupEgress as Record<string, unknown>[] | undefined;
    expect(JSON.stringify(inline ?? [])).not.toContain('0.0.0.0/0');
  });

  test('internetEgress opens HTTPS to anywhere for the tasks, and nothing else', () => {
    const { template: open } = templatesOf(focusedConfigs.egress);
    const taskGroup = Object.values(open.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^App tasks') } }))[0]!;
    expect(taskGroup.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]);
  });

  test('target group: IP targets on 8080, health check /healthz', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: 8080,
      Protocol: 'HTTP',
      HealthCheckPath: '/healthz',
    });
  });

  test('access-log bucket: encrypted, TLS only, no public access, versioned, old logs and old versions expire', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [Match.objectLike({ Status: 'Enabled', ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('bucket policy: denies non-TLS access and admits only the region ALB log delivery, to this account prefix', () => {
    const statements = onlyResource(template, 'AWS::S3::BucketPolicy').props.PolicyDocument.Statement as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatchObject({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(statements[1]).toMatchObject({
      Sid: 'AlbAccessLogDelivery',
      Effect: 'Allow',
      Action: 's3:PutObject',
      // eu-west-1's Elastic Load Balancing account
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::156460612806:root']] } },
    });
    expect(JSON.stringify(statements[1]!.Resource)).toContain('/alb/AWSLogs/123456789012/*');
  });
});

describe('Service with a domain name: HTTPS to the load balancer too', () => {
  const { template, nagFindings } = templatesOf(focusedConfigs.withDomain);

  test('regional ACM certificate (DNS validation); one HTTPS listener with the post-quantum TLS 1.3/1.2 policy; no HTTP listener', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'app.example.com', ValidationMethod: 'DNS' });
    const listener = onlyResource(template, 'AWS::ElasticLoadBalancingV2::Listener').props;
    expect(listener).toMatchObject({
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      Certificates: [{ CertificateArn: { Ref: expect.stringMatching(/^ServiceCertificate/) } }],
      DefaultActions: [{ Type: 'forward' }],
    });
    expect(listener.Metadata).toBeUndefined();
  });

  test('the service URL output uses the domain', () => {
    template.hasOutput('ServiceUrl', { Value: 'https://app.example.com' });
  });

  test('cdk-nag clean', () => {
    expect(nagFindings).toEqual([]);
  });
});

test('regions opened after August 2022 admit the log delivery service principal instead of an ELB account', () => {
  const { template } = templatesOf(focusedConfigs.newerRegion);
  const statements = onlyResource(template, 'AWS::S3::BucketPolicy').props.PolicyDocument.Statement as Record<string, unknown>[];
  expect(statements[1]).toMatchObject({ Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' } });
});

test('outputs: service URL (the CloudFront name over HTTPS), ECR repository, cluster and service names', () => {
  const { template } = templatesOf(variants.default);
  template.hasOutput('ServiceUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^FrontDoorDistribution'), 'DomainName'] }]] } });
  template.hasOutput('EcrRepositoryUri', Match.anyValue());
  template.hasOutput('EcsClusterName', Match.anyValue());
  template.hasOutput('EcsServiceName', Match.anyValue());
});

describe('schema migrations (DDL needs a schema-owner user)', () => {
  test('a schema-owner user other than the app user gets a one-off migration task with its own role', () => {
    const { template } = templatesOf(variants.threeAzMixed);
    const taskDefinitions = Object.values(template.findResources('AWS::ECS::TaskDefinition')).map((r) => r.Properties);
    expect(taskDefinitions).toHaveLength(2);
    const migration = taskDefinitions.find((t) => t.ContainerDefinitions[0].Name === 'migrate')!;
    const [container] = migration.ContainerDefinitions;
    expect(container.Command).toEqual(['node', 'dist/migrate.js']);
    expect(container.Environment).toEqual(expect.arrayContaining([{ Name: 'DB_USER', Value: 'migrator' }]));
    expect(migration.TaskRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MigrationTaskRole/), 'Arn'] });
    const proxyId = onlyResource(template, 'AWS::RDS::DBProxy').id;
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'rds-db:connect',
          Resource: proxyUserArn('eu-central-1', proxyId, 'migrator'),
        }],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^MigrationTaskRole') }],
    });
    template.hasOutput('MigrationTaskDefinitionArn', Match.anyValue());
    const service = taskDefinitions.find((t) => t.ContainerDefinitions[0].Name === 'app')!;
    expect(JSON.stringify(service.ContainerDefinitions[0].Environment)).not.toContain('MIGRATE_ON_START');
  });

  test('the pipeline reaches the migration task by fixed names: family, role path, cluster, run-task input', () => {
    const { template } = templatesOf(variants.threeAzMixed);
    const migration = Object.values(template.findResources('AWS::ECS::TaskDefinition'))
      .map((r) => r.Properties)
      .find((t) => t.ContainerDefinitions[0].Name === 'migrate')!;
    expect(migration.Family).toBe('orders-db-prod-migrate');
    const roles = template.findResources('AWS::IAM::Role', { Properties: { Path: '/orders-db-prod/migration/' } });
    expect(Object.keys(roles).sort()).toEqual([
      expect.stringMatching(/^MigrationTaskRole/),
      expect.stringMatching(/^ServiceMigrationExecutionRole/),
    ]);
    expect(migration.ExecutionRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ServiceMigrationExecutionRole/), 'Arn'] });
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'orders-db-prod' });
    template.hasResourceProperties('AWS::ECR::Repository', { RepositoryName: 'orders-db-prod/app' });
    // The migration image is its own parameter: migrations run on the new image before the service rolls.
    template.hasParameter('MigrationImageTag', { Type: 'String', Default: '' });
    expect(JSON.stringify(migration.ContainerDefinitions[0].Image)).toContain('MigrationImageTag');
    const input = JSON.stringify(template.findOutputs('MigrationRunTaskInput'));
    for (const part of ['cluster', 'taskDefinition', 'FARGATE', 'awsvpcConfiguration', 'DISABLED']) expect(input).toContain(part);
  });

  test('no schema-owner user: no migration task', () => {
    const { template } = templatesOf(variants.default);
    template.resourceCountIs('AWS::ECS::TaskDefinition', 1);
    expect(Object.keys(template.toJSON().Outputs)).not.toContain('MigrationTaskDefinitionArn');
    expect(Object.keys(template.toJSON().Parameters)).not.toContain('MigrationImageTag');
  });

  test('an app user that is a schema owner migrates at start-up instead', () => {
    const { template } = templatesOf(focusedConfigs.appUserOwnsSchema);
    template.resourceCountIs('AWS::ECS::TaskDefinition', 1);
    const task = onlyResource(template, 'AWS::ECS::TaskDefinition').props;
    expect(task.ContainerDefinitions[0].Environment).toEqual(expect.arrayContaining([{ Name: 'MIGRATE_ON_START', Value: 'true' }]));
  });
});

/** Properties of the security group `id`. */
function onlyTaskGroup(template: ReturnType<typeof templatesOf>['template'], id: string): Record<string, unknown> {
  return template.toJSON().Resources[id].Properties as Record<string, unknown>;
}
