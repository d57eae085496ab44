import { CfnCondition, CfnParameter, Duration, Fn, type IResolvable, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import type { DeploymentNames } from '../naming.js';
import type { HostedZoneConfig } from '../stack-config.js';
import type { AwsApiEndpoints } from './aws-api-endpoints.js';
import { importHostedZone } from './domain-records.js';
import { accessLogBucket } from './log-storage.js';
import { nagValue } from './wildcard-arn.js';

/** Port the container listens on (app/: PORT). */
const CONTAINER_PORT = 8080;

/** Name of the CloudFormation parameter that selects the image tag (logical id kept stable for `--parameters`). */
const IMAGE_TAG_PARAMETER = 'ImageTag';

/**
 * Name of the parameter that selects the migration task's image. The pipeline sets it first, runs
 * the migrations, and only then sets `ImageTag`: new code never meets an old schema.
 */
const MIGRATION_IMAGE_TAG_PARAMETER = 'MigrationImageTag';

/** Key prefix of the ALB access logs in the bucket. */
const ACCESS_LOG_PREFIX = 'alb';

/** Both task definitions: ARM64 (Graviton) Linux, the platform the pipeline builds the image for. */
const RUNTIME_PLATFORM: ecs.RuntimePlatform = { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX };

/** An alarm that rolls back a deployment, with its literal name. */
export interface DeploymentAlarm {
  readonly name: string;
  readonly alarm: cloudwatch.IAlarm;
}

export interface ServiceProps {
  /**
   * Fixed names (`naming.ts`) the CI-access stack grants access to: the image repository (pushes),
   * the cluster, and the migration task's family and IAM role path (the deploy role may run exactly
   * that task there and pass only roles under that path).
   */
  readonly names: DeploymentNames;
  /** VPC of the service. */
  readonly vpc: ec2.IVpc;
  /** Private subnets for the tasks and the internal load balancer, one per AZ. */
  readonly taskSubnets: ec2.SubnetSelection;
  /** The VPC endpoints of ECR, CloudWatch Logs and S3: the tasks are admitted to them. */
  readonly awsApis: AwsApiEndpoints;
  /**
   * Let the tasks call any internet address on HTTPS (the subnets must route through NAT).
   * @default false: AWS APIs through the VPC endpoints and RDS Proxy only
   */
  readonly internetEgress?: boolean;
  /** Role the tasks assume: the stack's app role with the exact `rds-db:connect` grant. */
  readonly taskRole: iam.IRole;
  /** Non-secret settings passed to the container as environment variables (never a password). */
  readonly environment: Readonly<Record<string, string>>;
  /** Customer-managed key for the container log group (its policy must admit CloudWatch Logs). */
  readonly encryptionKey: kms.IKey;
  /**
   * The app's own DNS name. The internal load balancer then listens on HTTPS only, with a regional
   * ACM certificate for it, so the front door's hop to it is encrypted and verified. Without it the
   * load balancer listens on HTTP, reachable only from inside the VPC (no public address).
   */
  readonly domainName?: string;
  /** Hosted zone of `domainName`: the certificate is DNS-validated through it automatically. */
  readonly hostedZone?: HostedZoneConfig;
  /**
   * A one-off task definition that runs the schema migrations (`node dist/migrate.js`) as a
   * schema-owner database user with its own role. Run it before rolling out an image that needs
   * them (`aws ecs run-task`, see the README). Its family and its execution role's IAM path come
   * from `names`. Omit when no schema-owner user is configured.
   */
  readonly migration?: {
    /** Role holding `rds-db:connect` as `user` (only). */
    readonly taskRole: iam.IRole;
    /** The schema-owner database user the migrations run as. */
    readonly user: string;
  };
  /**
   * Let operators open port-forwarding sessions on the running tasks through ECS Exec (the tunnel of
   * `npx projen db:connect`). The service enables ECS Exec, the cluster logs every session to its own
   * KMS-encrypted log group (`cloudWatchEncryptionEnabled`: the agent refuses an unencrypted one),
   * and the container gets small writable volumes where the SSM agent keeps its state, so its root
   * file system stays read-only. Who may start a session is decided by IAM (`OperatorAccess`).
   * @default false
   */
  readonly executeCommand?: boolean;
  /**
   * Running tasks once an image exists, spread over the AZs. Two or more survive an AZ outage; one
   * suits a development stage.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Upper bound for CPU-based auto scaling.
   * @default 6
   */
  readonly maxCount?: number;
  /**
   * Refuse deletion of the load balancer. Off for a development stage, and for the one deployment
   * right before a stack is deleted (see `DatabaseProps`).
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** @default 512 (0.5 vCPU) */
  readonly cpu?: number;
  /** @default 1024 MiB */
  readonly memoryLimitMiB?: number;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * How long ALB access logs are kept.
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
}

/**
 * The app's compute: an ECR repository, an ECS cluster with Fargate tasks in the private subnets
 * across the AZs, and an internal ALB with access logs (the front door, CloudFront, reaches it
 * through a VPC origin; it has no public address).
 *
 * The image tag is the CloudFormation parameter `ImageTag`. Until it is set (first deployment: the
 * repository exists only after this stack does), the service runs 0 tasks. CI pushes an image,
 * then deploys with `--parameters ImageTag=<tag>`; later deployments without `--parameters` keep
 * the previous value (cdk deploy's default), so nobody scales the service to 0 by accident.
 */
export class Service extends Construct {
  /** Repository the CI pushes images to (immutable tags, scan on push). */
  public readonly repository: ecr.Repository;
  public readonly cluster: ecs.Cluster;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly service: ecs.FargateService;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The service's tasks behind the load balancer (health checks, per-target metrics). */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** Upper bound of the task count (auto scaling). */
  public readonly maxTaskCount: number;
  public readonly accessLogBucket: s3.Bucket;
  public readonly logGroup: logs.LogGroup;
  /** The `ImageTag` parameter. */
  public readonly imageTag: CfnParameter;
  /** Set when `executeCommand` is: every ECS Exec session of the cluster is logged here. */
  public readonly sessionLogGroup?: logs.LogGroup;
  /** Set when `migration` is: the one-off migration task. */
  public readonly migrationTaskDefinition?: ecs.FargateTaskDefinition;
  /** Security group of the service's tasks (the migration task runs in it too). */
  public readonly taskSecurityGroup: ec2.SecurityGroup;
  /** The load balancer's regional certificate; set when `domainName` is. */
  public readonly certificate?: acm.Certificate;
  /** The listener the front door forwards to (HTTPS with a domain name, else HTTP). */
  public readonly listener: elbv2.ApplicationListener;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    const desiredCount = props.desiredCount ?? 2;
    const maxCount = props.maxCount ?? 6;
    if (desiredCount < 1) throw new Error(`desiredCount must be at least 1, got ${desiredCount}`);
    if (maxCount < desiredCount) throw new Error(`maxCount (${maxCount}) must be at least desiredCount (${desiredCount})`);
    this.maxTaskCount = maxCount;
    for (const name of Object.keys(props.environment)) {
      if (/PASSWORD|PASSWD|SECRET|TOKEN/i.test(name)) throw new Error(`environment variable ${name} looks like a secret; the service uses IAM tokens only`);
    }

    this.repository = new ecr.Repository(this, 'Repository', {
      repositoryName: props.names.imageRepository,
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      encryption: ecr.RepositoryEncryption.KMS,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { description: 'Drop untagged images after 14 days', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(14), rulePriority: 1 },
        { description: 'Keep the 100 newest images', tagStatus: ecr.TagStatus.ANY, maxImageCount: 100, rulePriority: 2 },
      ],
    });

    const image = this.imageTagParameter(
      IMAGE_TAG_PARAMETER,
      'HasImage',
      'Tag of the app image in the ECR repository. Empty until the first image is pushed: the service then runs 0 tasks.',
    );
    this.imageTag = image.parameter;
    // Any syntactically valid tag keeps the task definition valid while no task runs.
    const tag = Token.asString(image.ifSet(this.imageTag.valueAsString, 'no-image-yet'));
    const taskCount = Token.asNumber(image.ifSet(desiredCount, 0));

    if (props.executeCommand) {
      this.sessionLogGroup = new logs.LogGroup(this, 'ExecSessionLogs', {
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: props.encryptionKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: props.names.cluster,
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      ...(this.sessionLogGroup
        ? {
          executeCommandConfiguration: {
            logging: ecs.ExecuteCommandLogging.OVERRIDE,
            logConfiguration: { cloudWatchLogGroup: this.sessionLogGroup, cloudWatchEncryptionEnabled: true },
          },
        }
        : {}),
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu ?? 512,
      memoryLimitMiB: props.memoryLimitMiB ?? 1024,
      taskRole: props.taskRole,
      runtimePlatform: RUNTIME_PLATFORM,
    });
    const container = this.taskDefinition.addContainer('app', {
      image: ecs.ContainerImage.fromEcrRepository(this.repository, tag),
      environment: { ...props.environment, PORT: String(CONTAINER_PORT), NODE_ENV: 'production' },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'app' }),
      portMappings: [{ containerPort: CONTAINER_PORT, protocol: ecs.Protocol.TCP }],
      readonlyRootFilesystem: true,
      // The app drains in-flight requests on SIGTERM within 25 s (SHUTDOWN_TIMEOUT_MS).
      stopTimeout: Duration.seconds(30),
      healthCheck: {
        command: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${CONTAINER_PORT}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
    });
    if (props.executeCommand) {
      this.giveSsmAgentWritableDirectories(container);
      this.acknowledgeExecuteCommandGrants(props.taskRole);
    }
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds only non-secret connection settings (proxy endpoint, port, database, user, region). ' +
        'There is no password: the app signs a short-lived IAM token with its task role.',
    });

    Validations.of(this.taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ECS execution role: ecr:GetAuthorizationToken has no resource-level permissions, so IAM requires "*". ' +
        'Image pulls and log writes are granted on exactly this repository and log group.',
    });

    if (props.migration) {
      const migrationImage = this.imageTagParameter(
        MIGRATION_IMAGE_TAG_PARAMETER,
        'HasMigrationImage',
        'Tag of the image the migration task runs. Empty: the ImageTag image.',
      );
      const migrationTag = Token.asString(migrationImage.ifSet(migrationImage.parameter.valueAsString, tag));
      this.migrationTaskDefinition = new ecs.FargateTaskDefinition(this, 'MigrationTaskDefinition', {
        family: props.names.migrationFamily,
        cpu: 256,
        memoryLimitMiB: 512,
        taskRole: props.migration.taskRole,
        executionRole: new iam.Role(this, 'MigrationExecutionRole', {
          description: 'Pulls the migration image and writes its logs',
          path: props.names.migrationRolePath,
          assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
        }),
        runtimePlatform: RUNTIME_PLATFORM,
      });
      this.migrationTaskDefinition.addContainer('migrate', {
        image: ecs.ContainerImage.fromEcrRepository(this.repository, migrationTag),
        command: ['node', 'dist/migrate.js'],
        environment: { ...props.environment, DB_USER: props.migration.user, NODE_ENV: 'production' },
        logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'migrate' }),
        readonlyRootFilesystem: true,
      });
      Validations.of(this.migrationTaskDefinition).acknowledge({
        id: 'AwsSolutions-ECS2',
        reason: 'Only non-secret connection settings (proxy endpoint, port, database, schema-owner user, region); authentication is by IAM token.',
      });
      Validations.of(this.migrationTaskDefinition.obtainExecutionRole()).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ECS execution role: ecr:GetAuthorizationToken has no resource-level permissions, so IAM requires "*".',
      });
    }

    const taskSecurityGroup = (this.taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'App tasks: HTTP from the load balancer; HTTPS to the VPC endpoints (ECR, CloudWatch Logs, S3), MySQL to RDS Proxy',
      allowAllOutbound: false,
    }));
    props.awsApis.allowFrom(taskSecurityGroup, 'App tasks');
    if (props.internetEgress) {
      taskSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to external services (internetEgress)');
    }

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      vpcSubnets: props.taskSubnets,
      securityGroups: [taskSecurityGroup],
      assignPublicIp: false,
      desiredCount: taskCount,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
      availabilityZoneRebalancing: ecs.AvailabilityZoneRebalancing.ENABLED,
      ...(props.executeCommand ? { enableExecuteCommand: true } : {}),
    });

    // ALB access logs support SSE-S3 only (no customer-managed KMS key).
    this.accessLogBucket = accessLogBucket(this, 'AccessLogBucket', {
      source: 'ALB',
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      retention: props.accessLogRetention,
    });

    this.loadBalancer = this.internalLoadBalancer(props);
    this.enableAccessLogs(ACCESS_LOG_PREFIX);
    const targets = {
      port: CONTAINER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service.loadBalancerTarget({ containerName: container.containerName, containerPort: CONTAINER_PORT })],
      healthCheck: { path: '/healthz', interval: Duration.seconds(15), healthyThresholdCount: 2, unhealthyThresholdCount: 3, timeout: Duration.seconds(5) },
      deregistrationDelay: Duration.seconds(30),
    };
    if (props.domainName) this.certificate = this.originCertificate(props.domainName, props.hostedZone);
    this.listener = this.frontDoorListener(props.vpc, props.taskSubnets, this.certificate);
    this.targetGroup = this.listener.addTargets('App', targets);

    // CDK makes the service depend explicitly on the listener's target group, which it also references (cfn-lint W3005); harmless.
    (this.service.node.defaultChild as ecs.CfnService).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });

    const scaling = this.service.autoScaleTaskCount({ minCapacity: taskCount, maxCapacity: maxCount });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60, scaleInCooldown: Duration.minutes(5), scaleOutCooldown: Duration.minutes(1) });
  }

  /** What ECS Exec adds to the task role (aws-cdk-lib grants it with `enableExecuteCommand`), and why it cannot be narrower. */
  private acknowledgeExecuteCommandGrants(taskRole: iam.IRole): void {
    const stack = Stack.of(this);
    const sessionLogs = stack.getLogicalId(this.sessionLogGroup!.node.defaultChild as logs.CfnLogGroup);
    Validations.of(taskRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ECS Exec: the SSM agent in the task opens its channels with ssmmessages:Create/OpenControlChannel and Create/OpenDataChannel, ' +
        'and checks the session log group with logs:DescribeLogGroups; none of these supports resource-level permissions.',
    });
    Validations.of(taskRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${nagValue(stack.partition, 'AWS::Partition')}:logs:${nagValue(stack.region, 'AWS::Region')}:${nagValue(stack.account, 'AWS::AccountId')}:log-group:<${sessionLogs}>:*]`,
      reason: 'ECS Exec writes each session to its own log stream, named at run time, in exactly the cluster\'s session log group.',
    });
  }

  /**
   * ECS Exec's SSM agent writes its binaries' state and logs under these directories; with a
   * read-only root file system it cannot start (aws/containers-roadmap#1359), so each gets a task
   * volume (Fargate ephemeral storage, gone with the task). Everything else stays read-only.
   */
  private giveSsmAgentWritableDirectories(container: ecs.ContainerDefinition): void {
    const directories = { 'ssm-agent-managed': '/managed-agents', 'ssm-agent-state': '/var/lib/amazon/ssm', 'ssm-agent-logs': '/var/log/amazon/ssm' };
    for (const [name, containerPath] of Object.entries(directories)) {
      this.taskDefinition.addVolume({ name });
      container.addMountPoints({ sourceVolume: name, containerPath, readOnly: false });
    }
  }

  /**
   * An internal ALB in the task subnets: no public address, only CloudFront's VPC origin (whose
   * network interfaces live in the VPC) reaches it. It drops invalid headers and is protected
   * from deletion. The web application firewall sits on the front door, in front of it.
   */
  private internalLoadBalancer(props: ServiceProps): elbv2.ApplicationLoadBalancer {
    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.taskSubnets,
      internetFacing: false,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? true,
      // CloudFront's origin read timeout is 30 s by default; idle connections may live a little longer.
      idleTimeout: Duration.seconds(60),
    });
    if (props.deletionProtection === false) {
      (loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer).addMetadata('checkov', {
        skip: [{ id: 'CKV_AWS_150', comment: 'Deletion protection off by choice for a development stage (stack-config stages[].settings.deletionProtection).' }],
      });
    }
    return loadBalancer;
  }

  /**
   * The regional certificate the internal load balancer presents to CloudFront for `domainName`
   * (CloudFront verifies it against that name). Same DNS validation record as the viewer certificate.
   */
  private originCertificate(domainName: string, hostedZone: HostedZoneConfig | undefined): acm.Certificate {
    return new acm.Certificate(this, 'Certificate', {
      domainName,
      validation: acm.CertificateValidation.fromDns(
        hostedZone ? importHostedZone(this, hostedZone) : undefined,
      ),
    });
  }

  /**
   * The one listener, open to the load balancer's subnets only (CloudFront's VPC origin connects from
   * network interfaces there): HTTPS with the strictest TLS policy (TLS 1.3 and 1.2, post-quantum key
   * exchange) when there is a certificate, else HTTP that never leaves the VPC.
   */
  private frontDoorListener(vpc: ec2.IVpc, subnets: ec2.SubnetSelection, certificate: acm.ICertificate | undefined): elbv2.ApplicationListener {
    const listener = certificate
      ? this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [certificate],
        sslPolicy: elbv2.SslPolicy.TLS13_12_RES_PQ,
        open: false,
      })
      : this.loadBalancer.addListener('Http', { port: 80, protocol: elbv2.ApplicationProtocol.HTTP, open: false });
    // CloudFront places the VPC origin's network interfaces in the load balancer's subnets.
    for (const subnet of vpc.selectSubnets(subnets).subnets) {
      listener.connections.allowDefaultPortFrom(ec2.Peer.ipv4(subnet.ipv4CidrBlock), `CloudFront VPC origin in ${subnet.availabilityZone}`);
    }
    if (!certificate) {
      const reason =
        'Internal listener without a public address: only CloudFront (VPC origin) reaches it, from inside the VPC; ' +
        'viewers get HTTPS from CloudFront. Without a domain name there is no certificate CloudFront could verify on this hop; ' +
        'set domainName for HTTPS here too.';
      (listener.node.defaultChild as elbv2.CfnListener).addMetadata('checkov', {
        skip: [{ id: 'CKV_AWS_2', comment: reason }, { id: 'CKV_AWS_103', comment: reason }],
      });
    }
    return listener;
  }

  /**
   * The String parameter `name` (also its logical id, for `--parameters`): an image tag, or empty.
   * `ifSet(value, otherwise)` is `value` when it is set (condition `conditionId`), else `otherwise`.
   */
  private imageTagParameter(name: string, conditionId: string, description: string): {
    parameter: CfnParameter;
    ifSet: (value: number | string, otherwise: number | string) => IResolvable;
  } {
    const parameter = new CfnParameter(this, name, {
      type: 'String',
      default: '',
      allowedPattern: '^$|^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
      description,
    });
    parameter.overrideLogicalId(name);
    const condition = new CfnCondition(this, conditionId, { expression: Fn.conditionNot(Fn.conditionEquals(parameter.valueAsString, '')) });
    return { parameter, ifSet: (value, otherwise) => Fn.conditionIf(condition.logicalId, value, otherwise) };
  }

  /**
   * Like `logAccessLogs`, but the bucket policy admits only the region's ALB log delivery: the
   * regional Elastic Load Balancing account (regions before August 2022) or the
   * `logdelivery.elasticloadbalancing.amazonaws.com` service principal, and only to
   * `<prefix>/AWSLogs/<this account>/`. (CDK's `logAccessLogs` also admits `delivery.logs.amazonaws.com`,
   * which ALB access logs do not use.)
   */
  private enableAccessLogs(prefix: string): void {
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw new Error('Service needs a stack with an explicit region (env.region) to pick the ALB log delivery principal');
    }
    const elbAccount = RegionInfo.get(stack.region).elbv2Account;
    const principal = elbAccount
      ? new iam.AccountPrincipal(elbAccount)
      : new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com');
    const policy = this.accessLogBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlbAccessLogDelivery',
        actions: ['s3:PutObject'],
        principals: [principal],
        resources: [this.accessLogBucket.arnForObjects(`${prefix}/AWSLogs/${stack.account}/*`)],
      }),
    );
    this.loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    this.loadBalancer.setAttribute('access_logs.s3.bucket', this.accessLogBucket.bucketName);
    this.loadBalancer.setAttribute('access_logs.s3.prefix', prefix);
    // ELB checks that it may write when the attribute is set: the policy must exist first.
    if (policy.policyDependable) this.loadBalancer.node.addDependency(policy.policyDependable);
  }

  /**
   * ECS deployment alarms: a rollout during which one of `alarms` fires rolls back to the previous
   * task definition (besides the circuit breaker, which only sees tasks that fail to start).
   * The service names the alarms literally and depends on them, rather than referencing them: an
   * alarm on the service's own metrics would otherwise make a dependency cycle.
   */
  public rollBackOnAlarms(alarms: readonly DeploymentAlarm[]): void {
    if (alarms.length === 0) throw new Error('rollBackOnAlarms needs at least one alarm');
    for (const { name } of alarms) {
      if (Token.isUnresolved(name)) throw new Error('rollBackOnAlarms needs literal alarm names');
    }
    this.service.enableDeploymentAlarms(alarms.map((alarm) => alarm.name), { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM });
    for (const { alarm } of alarms) this.service.node.addDependency(alarm);
  }

  /** The tasks' connections (security group), e.g. to admit them to RDS Proxy. */
  public get connections(): ec2.Connections {
    return this.service.connections;
  }
}
