import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { recordCrossRegionReferenceHandlerSuppressions } from './constructs/cdk-handlers.js';
import { ConnectionParameters, connectionEnvironment, type ConnectionSettings } from './constructs/connection-parameters.js';
import { DatabaseEvents } from './constructs/database-events.js';
import { DatabaseUsers } from './constructs/database-users.js';
import { Database, PROXY_PORT } from './constructs/database.js';
import { DomainRecords } from './constructs/domain-records.js';
import { FrontDoor } from './constructs/front-door.js';
import { logsCapableKey } from './constructs/log-storage.js';
import { Network } from './constructs/network.js';
import { NotificationTopic } from './constructs/notification-topic.js';
import { OperatorAccess, operatorUsers } from './constructs/operator-access.js';
import { Service, type ServiceProps } from './constructs/service.js';
import { StackMonitoring } from './constructs/stack-monitoring.js';
import { EDGE_REGION, EdgeStack } from './edge-stack.js';
import { deploymentNames, edgeStackName, parameterPrefix, stageDomainName } from './naming.js';
import type { StackConfig, StageConfig, StageProfile } from './stack-config.js';

export interface RdsIamStackProps extends StackProps {
  /** The typed project configuration (`src/stack-config.ts`): database, users, domain. */
  readonly config: StackConfig;
  /** The stage this stack deploys (one of `config.stages`): its zones, names, sizes and protections. */
  readonly stage: StageConfig;
  /**
   * How sensitive the alarms are (`constructs/alarm-thresholds.ts`). Everything else a profile
   * decides comes resolved in the stage's `settings`.
   * @default the stage's profile
   */
  readonly profile?: StageProfile;
  /**
   * `false` lifts deletion protection on the database and the load balancer whatever the stage's
   * settings say. The destroy workflow deploys so (`-c deletionProtection=false`, see main.ts) right
   * before it deletes the stack.
   * @default the stage's `settings.deletionProtection`
   */
  readonly deletionProtection?: boolean;
}

/** Construct id of the stage's us-east-1 companion stack (`<stage>/Edge`, stack `<stack>-<stage>-edge`). */
export const EDGE_STACK_ID = 'Edge';

/** Connections each app task's pool may open (the app's DB_POOL_SIZE); the proxy's client-connection alarm counts on it. */
const APP_POOL_SIZE = 10;

/**
 * The "zero-secret" MySQL stack: VPC, RDS for MySQL 8.4 with IAM authentication behind RDS Proxy,
 * the custom resource that creates the IAM-authenticated database users,
 * the app's IAM role with an exact `rds-db:connect` grant, the non-secret connection settings, and
 * the app's compute (ECR, ECS Fargate behind an ALB).
 */
export class RdsIamStack extends Stack {
  /** VPC, subnets, NAT gateways, flow logs and endpoints. */
  public readonly network: Network;
  /** Instance, proxy, proxy role and grants. */
  public readonly database: Database;
  /** Customer-managed key for the database, its master secret and all log groups. */
  public readonly dataKey: kms.Key;
  /** Role the app's ECS tasks assume; may connect through the proxy as `config.appUser` only. */
  public readonly appRole: iam.Role;
  /** Custom resource that creates and reconciles the IAM-authenticated MySQL users and their grants. */
  public readonly databaseUsers: DatabaseUsers;
  /** SSM parameters and outputs with the connection settings. */
  public readonly connectionParameters: ConnectionParameters;
  /** ECR repository, ECS Fargate service (task role = `appRole`) and the internal ALB in front of it. */
  public readonly service: Service;
  /** Where alarms and database events are sent; subscribe people, chat and pagers here. */
  public readonly notifications: NotificationTopic;
  /** Alarms and the dashboard. */
  public readonly monitoring: StackMonitoring;
  /** The database's RDS event subscription to the notification topic. */
  public readonly databaseEvents: DatabaseEvents;
  /** The CloudFront distribution in front of the load balancer: the app's only public entry. */
  public readonly frontDoor: FrontDoor;
  /** The companion stack in us-east-1: web ACL, viewer certificate, CloudFront's log bucket. */
  public readonly edge: EdgeStack;
  /** The operators' role and its grants; set when `config.operators` names any. */
  public readonly operatorAccess?: OperatorAccess;

  private readonly stage: StageConfig;

  constructor(scope: Construct, id: string, props: RdsIamStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    const { config, stage } = props;
    const { settings } = stage;
    this.stage = stage;
    const deletionProtection = settings.deletionProtection && props.deletionProtection !== false;
    const domainName = config.domainName && stageDomainName(config.domainName, stage, config.stages);
    const appUser = config.databaseUsers.find((u) => u.name === config.appUser);
    if (!appUser) {
      throw new Error(`appUser '${config.appUser}' is not one of databaseUsers`);
    }

    const operators = config.operators ?? [];
    this.dataKey = logsCapableKey(this, 'DataKey', `${id}: RDS storage, master secret, Performance Insights and log groups`);

    this.network = new Network(this, 'Network', {
      availabilityZones: stage.availabilityZones,
      internetEgress: config.internetEgress,
      natGateways: settings.natGateways,
      encryptionKey: this.dataKey,
      sessionManager: operators.length > 0,
    });

    this.database = new Database(this, 'Database', {
      vpc: this.network.vpc,
      subnets: this.network.dataSubnets,
      databaseName: config.databaseName,
      users: config.databaseUsers,
      multiAz: settings.multiAz,
      instanceType: new ec2.InstanceType(settings.instanceClass.replace(/^db\./, '')),
      backupRetention: Duration.days(settings.backupRetentionDays),
      deletionProtection,
      proxyAuth: config.proxyAuth,
      encryptionKey: this.dataKey,
    });

    // The bootstrap Lambda runs in the isolated data subnets: it reaches only the instance (whose
    // security group admits the Lambda's group on the MySQL port) and the Secrets Manager endpoint.
    this.databaseUsers = new DatabaseUsers(this, 'DatabaseUsers', {
      vpc: this.network.vpc,
      vpcSubnets: this.network.dataSubnets,
      instance: this.database.instance,
      masterSecret: this.database.masterSecret,
      databaseName: config.databaseName,
      users: config.databaseUsers,
      secretsManagerEndpoint: this.network.secretsManagerEndpoint,
      encryptionKey: this.dataKey,
    });

    this.appRole = new iam.Role(this, 'AppTaskRole', {
      description: `ECS tasks of the app: IAM token auth to RDS Proxy as ${config.appUser}`,
      assumedBy: this.ecsTasksOfThisAccount(),
    });
    this.database.grantProxyConnect(this.appRole, config.appUser);

    const connection: ConnectionSettings = {
      host: this.database.proxy.endpoint,
      port: PROXY_PORT,
      databaseName: config.databaseName,
      region: this.region,
      user: config.appUser,
    };
    this.connectionParameters = new ConnectionParameters(this, 'Connection', {
      prefix: parameterPrefix(stage.stackName),
      settings: connection,
    });

    // Migrations need DDL: they run as a schema-owner user. If the app user is one, the service migrates
    // at start-up; otherwise a one-off migration task runs as the first other schema-owner user.
    const appUserIsSchemaOwner = appUser.access === 'schema-owner';
    const migrationUser = appUserIsSchemaOwner ? undefined : config.databaseUsers.find((u) => u.access === 'schema-owner')?.name;
    const names = deploymentNames(stage.stackName);
    let migration: ServiceProps['migration'];
    if (migrationUser) {
      const migrationRole = new iam.Role(this, 'MigrationTaskRole', {
        path: names.migrationRolePath,
        description: `One-off ECS migration task: IAM token auth to RDS Proxy as ${migrationUser}`,
        assumedBy: this.ecsTasksOfThisAccount(),
      });
      this.database.grantProxyConnect(migrationRole, migrationUser);
      migration = { taskRole: migrationRole, user: migrationUser };
    }

    this.service = new Service(this, 'Service', {
      names,
      migration,
      vpc: this.network.vpc,
      taskSubnets: this.network.appSubnets,
      awsApis: this.network.awsApis,
      internetEgress: config.internetEgress,
      taskRole: this.appRole,
      encryptionKey: this.dataKey,
      domainName,
      hostedZone: config.hostedZone,
      desiredCount: settings.minTasks,
      maxCount: settings.maxTasks,
      deletionProtection,
      executeCommand: operators.length > 0,
      // The same non-secret settings as the SSM parameters (app/src/config.ts reads them).
      environment: {
        ...connectionEnvironment(connection),
        DB_POOL_SIZE: String(APP_POOL_SIZE),
        ...(appUserIsSchemaOwner ? { MIGRATE_ON_START: 'true' } : {}),
      },
    });
    // Only the service's tasks reach the proxy.
    this.database.allowProxyFrom(this.service);
    if (operators.length > 0) {
      this.operatorAccess = new OperatorAccess(this, 'OperatorAccess', {
        operators,
        users: operatorUsers(config.databaseUsers),
        database: this.database,
        service: this.service,
        clusterName: names.cluster,
        stackName: stage.stackName,
      });
      // The tunnel may end at the instance, for DDL the proxy would pin; the instance still demands an
      // IAM token, and the app's role holds none for it.
      this.database.allowFrom(this.service, 'MySQL from app tasks: the operators\' tunnel to the instance (db:connect --instance)');
    }

    this.notifications = new NotificationTopic(this, 'Notifications', { email: config.alarmEmail });
    this.databaseEvents = new DatabaseEvents(this, 'DatabaseEvents', { instance: this.database.instance, topic: this.notifications.topic });
    // RDS checks that it may publish when the subscription is created.
    this.databaseEvents.node.addDependency(this.notifications.policy);
    this.monitoring = new StackMonitoring(this, 'Monitoring', {
      profile: props.profile ?? stage.profile,
      name: stage.stackName,
      topic: this.notifications.topic,
      database: this.database,
      service: this.service,
      bootstrapFunction: this.databaseUsers.function,
      clientConnectionCeiling: this.service.maxTaskCount * APP_POOL_SIZE,
    });
    this.service.rollBackOnAlarms(this.monitoring.rollbackAlarms);

    // CloudFront wants its certificate and web ACL from us-east-1: they live in a companion stack there.
    // Built in the same scope (the stage), so it shares the stage's account; one per stage, like the app stack.
    this.edge = new EdgeStack(scope, EDGE_STACK_ID, {
      stackName: edgeStackName(stage.stackName),
      env: { account: props.env?.account, region: EDGE_REGION },
      appStackName: stage.stackName,
      webApplicationFirewall: settings.webApplicationFirewall,
      domainName,
      hostedZone: config.hostedZone,
      description: `${config.projectName} (${stage.name}): CloudFront's us-east-1 parts (web application firewall, certificate, access logs)`,
    });
    this.frontDoor = new FrontDoor(this, 'FrontDoor', {
      loadBalancer: this.service.loadBalancer,
      domainName,
      viewerCertificate: this.edge.certificate,
      webAclArn: this.edge.webFirewall?.webAclArn,
      accessLogBucket: this.edge.accessLogBucket,
    });
    if (domainName) {
      new DomainRecords(this, 'DomainRecords', { domainName, distribution: this.frontDoor.distribution, hostedZone: config.hostedZone });
    }
    recordCrossRegionReferenceHandlerSuppressions(this);

    new CfnOutput(this, 'ServiceUrl', { value: this.frontDoor.url, description: 'URL of the app (CloudFront)' });
    new CfnOutput(this, 'FrontDoorDomainName', {
      value: this.frontDoor.distribution.distributionDomainName,
      description: 'DNS name of the CloudFront distribution: the target of the domain name\'s record',
    });
    new CfnOutput(this, 'EcrRepositoryUri', {
      value: this.service.repository.repositoryUri,
      description: 'Push app images here (immutable tags), then deploy with --parameters ImageTag=<tag>',
    });
    new CfnOutput(this, 'EcsClusterName', { value: this.service.cluster.clusterName });
    new CfnOutput(this, 'EcsTaskSecurityGroupId', {
      value: this.service.taskSecurityGroup.securityGroupId,
      description: 'Security group for one-off tasks (aws ecs run-task) that must reach RDS Proxy',
    });
    if (this.service.migrationTaskDefinition) {
      new CfnOutput(this, 'MigrationTaskDefinitionArn', {
        value: this.service.migrationTaskDefinition.taskDefinitionArn,
        description: `Run before deploying an image with new migrations (as ${migrationUser})`,
      });
      // Everything `aws ecs run-task --cli-input-json` needs; the deploy workflow runs it.
      new CfnOutput(this, 'MigrationRunTaskInput', {
        value: this.toJsonString({
          cluster: this.service.cluster.clusterName,
          taskDefinition: this.service.migrationTaskDefinition.taskDefinitionArn,
          launchType: 'FARGATE',
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: this.network.vpc.selectSubnets(this.network.appSubnets).subnetIds,
              securityGroups: [this.service.taskSecurityGroup.securityGroupId],
              assignPublicIp: 'DISABLED',
            },
          },
        }),
        description: 'Input of aws ecs run-task for the migration task',
      });
    }
    new CfnOutput(this, 'EcsServiceName', { value: this.service.service.serviceName });
    new CfnOutput(this, 'DashboardUrl', { value: this.monitoring.dashboardUrl, description: 'CloudWatch dashboard of this stack' });
    new CfnOutput(this, 'NotificationTopicArn', {
      value: this.notifications.topic.topicArn,
      description: 'Alarms and database events; subscribe chat (AWS Chatbot) or a pager here',
    });

    new CfnOutput(this, 'AppTaskRoleArn', {
      value: this.appRole.roleArn,
      description: 'Task role for the app (rds-db:connect through the proxy as the app user)',
    });
    if (this.operatorAccess) {
      new CfnOutput(this, 'OperatorRoleArn', {
        value: this.operatorAccess.role.roleArn,
        description: 'Operators assume this role for npx projen db:connect (IAM tokens as the admin and read-only users)',
      });
      new CfnOutput(this, 'OperatorDatabaseUsers', { value: operatorUsers(config.databaseUsers).join(','), description: 'Users operators may connect as' });
      new CfnOutput(this, 'DatabaseInstanceEndpoint', {
        value: this.database.instance.dbInstanceEndpointAddress,
        description: 'DB instance host (db:connect --instance, for DDL the proxy would pin)',
      });
      new CfnOutput(this, 'DatabaseInstancePort', { value: this.database.instance.dbInstanceEndpointPort });
    }
    new CfnOutput(this, 'DatabaseInstanceIdentifier', {
      value: this.database.instance.instanceIdentifier,
      description: 'DB instance identifier (administration: aws rds describe-db-instances)',
    });
  }

  /** The stage's AZs, so the VPC needs no `availability-zones` context lookup (offline synth). */
  public override get availabilityZones(): string[] {
    return [...this.stage.availabilityZones];
  }

  /** Service principal for ECS tasks with a confused-deputy guard: only ECS acting for this account may assume the role. */
  private ecsTasksOfThisAccount(): iam.ServicePrincipal {
    return new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': this.account },
        ArnLike: { 'aws:SourceArn': `arn:${this.partition}:ecs:${this.region}:${this.account}:*` },
      },
    });
  }
}
