import { Duration, Names, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DatabaseUserConfig, ProxyAuthMode } from '../stack-config.js';

/** Name of the RDS master user. Its password is generated, stored and rotated by RDS in Secrets Manager. */
export const MASTER_USERNAME = 'admin';

/** RDS Proxy for MySQL always listens on 3306, whatever port the instance uses. */
export const PROXY_PORT = 3306;

/** Log types exported to CloudWatch Logs. `audit`: the MariaDB audit plugin's record (see the option group). */
export const EXPORTED_LOG_TYPES = ['error', 'slowquery', 'iam-db-auth-error', 'audit'] as const;
export type ExportedLogType = (typeof EXPORTED_LOG_TYPES)[number];

/**
 * What the audit log records: connections (and failed ones), DDL and DCL (GRANT, REVOKE, CREATE USER...),
 * not every query. `rdsadmin` is RDS's own housekeeping account.
 */
export const AUDIT_PLUGIN_SETTINGS = {
  SERVER_AUDIT_EVENTS: 'CONNECT,QUERY_DDL,QUERY_DCL',
  SERVER_AUDIT_EXCL_USERS: 'rdsadmin',
} as const;

const DEFAULT_INSTANCE_TYPE = ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE);

export interface DatabaseProps {
  /** VPC of the database and the proxy. */
  readonly vpc: ec2.IVpc;
  /** Subnets (isolated, at least two AZs) for the instance and the proxy. */
  readonly subnets: ec2.SubnetSelection;
  /** Application database created with the instance. */
  readonly databaseName: string;
  /**
   * IAM-authenticated database users. The proxy role may connect to the instance as each of them
   * (end-to-end IAM); clients get per-user grants through `grantProxyConnect`.
   */
  readonly users: readonly DatabaseUserConfig[];
  /** Standby in a second AZ with automatic failover. */
  readonly multiAz: boolean;
  /**
   * How RDS Proxy authenticates. `end-to-end-iam` (recommended): IAM from client to proxy and from
   * proxy to database, no secret. `iam-with-master-secret`: additionally registers the RDS-managed
   * master secret with `IAMAuth: REQUIRED` (the older "Missing SecretArn" workaround); the proxy
   * role can then read that secret.
   */
  readonly proxyAuth: ProxyAuthMode;
  /** Customer-managed KMS key for storage, the master secret, Performance Insights and the log groups. */
  readonly encryptionKey: kms.IKey;
  /**
   * Instance class and size.
   * @default db.m7g.large (Graviton, non-burstable)
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Initial storage in GiB (gp3); storage autoscaling may grow it to `maxAllocatedStorage`.
   * @default 50
   */
  readonly allocatedStorage?: number;
  /**
   * Upper bound for storage autoscaling in GiB.
   * @default 500
   */
  readonly maxAllocatedStorage?: number;
  /**
   * Automated backup retention, 1-35 days (a development stage keeps a few days, production two weeks).
   * @default Duration.days(14)
   */
  readonly backupRetention?: Duration;
  /**
   * Refuse deletion of the instance. Off for a development stage, and for the one deployment right
   * before a stack is deleted (the destroy workflow, `-c deletionProtection=false`): CloudFormation
   * cannot delete a protected instance. Removal takes a final snapshot either way.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Retention of the exported database and proxy logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * RDS for MySQL 8.4 with IAM database authentication and an RDS-managed master password,
 * fronted by an RDS Proxy that requires TLS and IAM. Exposes exact `rds-db:connect` grants and
 * methods to admit callers through the security groups.
 */
export class Database extends Construct {
  /** The DB instance. */
  public readonly instance: rds.DatabaseInstance;
  /** The RDS Proxy in front of the instance; the app connects here. */
  public readonly proxy: rds.DatabaseProxy;
  /** Role RDS Proxy assumes; holds `rds-db:connect` on `dbuser:<DbiResourceId>/<user>` for every configured user. */
  public readonly proxyRole: iam.Role;
  /** Master-user secret created and rotated by RDS (`MasterUserSecret`); never passed to the app. */
  public readonly masterSecret: secretsmanager.ISecret;
  /** Application database name. */
  public readonly databaseName: string;
  /** Configured IAM users. */
  public readonly users: readonly DatabaseUserConfig[];
  /** Instance class and size (the alarms derive memory and connection limits from it). */
  public readonly instanceType: ec2.InstanceType;
  /** Initial storage in GiB; autoscaling grows it up to the configured ceiling. */
  public readonly allocatedStorageGiB: number;
  /** The encrypted log groups RDS exports each log type to. */
  public readonly logGroups: Readonly<Record<ExportedLogType, logs.ILogGroup>>;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);

    if (props.users.length === 0) {
      throw new Error('Database needs at least one IAM-authenticated user');
    }
    const names = props.users.map((u) => u.name);
    if (new Set(names).size !== names.length) {
      throw new Error(`Database user names must be unique, got ${names.join(', ')}`);
    }
    if (names.includes(MASTER_USERNAME)) {
      throw new Error(`'${MASTER_USERNAME}' is the master user and cannot be an IAM user`);
    }
    const backupRetention = props.backupRetention ?? Duration.days(14);
    if (backupRetention.toDays() < 1 || backupRetention.toDays() > 35) {
      throw new Error(`backupRetention must be 1-35 days (RDS's range; 0 would turn backups off), got ${backupRetention.toDays()}`);
    }
    const deletionProtection = props.deletionProtection ?? true;
    this.databaseName = props.databaseName;
    this.users = props.users;

    const engine = rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_4_10 });
    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      // MySQL 8.4 itself only offers TLS 1.2 and 1.3, so tls_version needs no override.
      description: 'MySQL 8.4: TLS required for every connection, slow query log on',
      parameters: {
        // IAM authentication tokens are only safe over TLS; refuse any plain-text session.
        // '1' is ON: RDS validates MySQL boolean parameters against the allowed values 0/1.
        require_secure_transport: '1',
        // The slowquery export is empty unless the slow query log is on.
        slow_query_log: '1',
        long_query_time: '2',
        log_output: 'FILE',
      },
    });

    // Explicit, deterministic names so the log groups below can exist (encrypted, with retention)
    // before RDS starts writing to them; otherwise RDS creates unencrypted, never-expiring ones.
    const instanceIdentifier = rdsIdentifier(this, 'Instance');
    const proxyName = rdsIdentifier(this, 'Proxy');
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const logGroupOf = (type: ExportedLogType) =>
      new logs.LogGroup(this, `LogGroup-${type}`, {
        logGroupName: `/aws/rds/instance/${instanceIdentifier}/${type}`,
        retention: logRetention,
        encryptionKey: props.encryptionKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.logGroups = {
      'error': logGroupOf('error'),
      'slowquery': logGroupOf('slowquery'),
      'iam-db-auth-error': logGroupOf('iam-db-auth-error'),
      'audit': logGroupOf('audit'),
    };
    const instanceLogGroups = EXPORTED_LOG_TYPES.map((type) => this.logGroups[type]);

    // The audit record: every GRANT the user bootstrap or a schema owner runs is on file.
    const optionGroup = new rds.OptionGroup(this, 'Options', {
      engine,
      description: 'MySQL 8.4: MariaDB audit plugin (connections, DDL, DCL)',
      configurations: [{ name: 'MARIADB_AUDIT_PLUGIN', settings: { ...AUDIT_PLUGIN_SETTINGS } }],
    });
    const proxyLogGroup = new logs.LogGroup(this, 'ProxyLogGroup', {
      logGroupName: `/aws/rds/proxy/${proxyName}`,
      retention: logRetention,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const securityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: props.vpc,
      description: 'RDS for MySQL: admits only RDS Proxy and the database-user bootstrap',
      allowAllOutbound: false,
    });

    this.instanceType = props.instanceType ?? DEFAULT_INSTANCE_TYPE;
    this.allocatedStorageGiB = props.allocatedStorage ?? 50;
    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      instanceIdentifier,
      engine,
      instanceType: this.instanceType,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      publiclyAccessible: false,
      multiAz: props.multiAz,
      databaseName: props.databaseName,
      // RDS generates, stores (encrypted with our key) and rotates the master password; CDK never sees it.
      credentials: rds.Credentials.fromUsername(MASTER_USERNAME, { encryptionKey: props.encryptionKey }),
      manageMasterUserPassword: true,
      iamAuthentication: true,
      parameterGroup,
      optionGroup,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      storageType: rds.StorageType.GP3,
      allocatedStorage: this.allocatedStorageGiB,
      maxAllocatedStorage: props.maxAllocatedStorage ?? 500,
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey,
      backupRetention,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      deletionProtection,
      // A final snapshot on removal, with or without deletion protection.
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      cloudwatchLogsExports: [...EXPORTED_LOG_TYPES],
      monitoringInterval: Duration.seconds(60),
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.encryptionKey,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
    });
    for (const logGroup of instanceLogGroups) {
      this.instance.node.addDependency(logGroup);
    }
    // Always set with manageMasterUserPassword; checked once here so users of the construct need no `!`.
    if (!this.instance.secret) {
      throw new Error('The database has no RDS-managed master secret; the user bootstrap needs it');
    }
    this.masterSecret = this.instance.secret;
    Validations.of(this.instance).acknowledge({
      id: 'AwsSolutions-RDS11',
      reason:
        'Clients reach MySQL through RDS Proxy, whose MySQL port is fixed at 3306, so a non-default ' +
        'instance port would hide nothing; the instance is private, in isolated subnets, and its ' +
        'security group admits only the proxy and the database-user bootstrap.',
    });
    const monitoringRole = this.instance.node.tryFindChild('MonitoringRole');
    if (monitoringRole) {
      Validations.of(monitoringRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason:
          'Enhanced Monitoring service role: the AWS-maintained policy only lets RDS write OS metrics to ' +
          'the RDSOSMetrics log group; a hand-copied policy would drift from the service\'s needs.',
      });
    }
    // Choices a development stage makes on purpose, acknowledged with their reason (cdk-nag) and
    // skipped with it (checkov; one metadata entry holds every skip of the resource).
    const choices = [
      ...(deletionProtection ? [] : [{
        nag: 'AwsSolutions-RDS10',
        checkov: 'CKV_AWS_293',
        reason: 'Deletion protection off by choice for a development stage (stack-config stages[].settings.deletionProtection), or only in the deployment right before the stack is deleted (destroy workflow); RemovalPolicy.SNAPSHOT still keeps a final snapshot.',
      }]),
      ...(props.multiAz ? [] : [{
        nag: 'AwsSolutions-RDS3',
        checkov: 'CKV_AWS_157',
        reason: 'Single-AZ chosen explicitly in stack-config (multiAz: false), e.g. for a non-production environment.',
      }]),
    ];
    for (const { nag, reason } of choices) Validations.of(this.instance).acknowledge({ id: nag, reason });
    if (choices.length > 0) {
      (this.instance.node.defaultChild as rds.CfnDBInstance).addMetadata('checkov', {
        skip: choices.map(({ checkov, reason }) => ({ id: checkov, comment: reason })),
      });
    }

    // Our own role: with end-to-end IAM the proxy signs in to MySQL as each user, which CDK does not grant.
    this.proxyRole = new iam.Role(this, 'ProxyRole', {
      assumedBy: new iam.ServicePrincipal('rds.amazonaws.com'),
      description: 'RDS Proxy: rds-db:connect to the instance as the configured IAM users',
    });
    for (const user of props.users) {
      this.instance.grantConnect(this.proxyRole, user.name);
    }

    const proxySecurityGroup = new ec2.SecurityGroup(this, 'ProxySecurityGroup', {
      vpc: props.vpc,
      description: 'RDS Proxy: admits only the app compute; egress only to the DB instance',
      allowAllOutbound: false,
    });

    const withMasterSecret = props.proxyAuth === 'iam-with-master-secret';
    this.proxy = new rds.DatabaseProxy(this, 'Proxy', {
      dbProxyName: proxyName,
      proxyTarget: rds.ProxyTarget.fromInstance(this.instance),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [proxySecurityGroup],
      role: this.proxyRole,
      requireTLS: true,
      // App users have no password: the proxy authenticates to MySQL with IAM tokens (end-to-end IAM).
      defaultAuthScheme: rds.DefaultAuthScheme.IAM_AUTH,
      // Alternative mode: an Auth item must be a SECRETS entry, and the RDS API rejects one with
      // IAMAuth REQUIRED but no SecretArn ("Missing SecretArn"), so the RDS-managed master secret
      // is linked. DatabaseProxy renders it as { AuthScheme: SECRETS, IAMAuth: REQUIRED, SecretArn }
      // and grants the proxy role read (+ kms:Decrypt) on exactly that secret.
      ...(withMasterSecret ? { secrets: [this.masterSecret], iamAuth: true } : {}),
      debugLogging: false,
      idleClientTimeout: Duration.minutes(30),
      borrowTimeout: Duration.seconds(30),
    });
    this.proxy.node.addDependency(proxyLogGroup);
    // The role's policy (rds-db:connect / secret read) must exist before the proxy first signs in.
    const proxyRolePolicy = this.proxyRole.node.tryFindChild('DefaultPolicy');
    if (proxyRolePolicy) {
      this.proxy.node.addDependency(proxyRolePolicy);
    }
  }

  /** Admits `peer` directly to the instance (MySQL port), e.g. an administration host. (DatabaseUsers admits its own Lambda.) */
  public allowFrom(peer: ec2.IConnectable, description = 'MySQL from admitted caller'): void {
    this.instance.connections.allowDefaultPortFrom(peer, description);
  }

  /** Admits `peer` (the app's compute) to RDS Proxy on port 3306. */
  public allowProxyFrom(peer: ec2.IConnectable, description = 'MySQL via RDS Proxy from app compute'): void {
    this.proxy.connections.allowFrom(peer, ec2.Port.tcp(PROXY_PORT), description);
  }

  /**
   * Grants `rds-db:connect` on `dbuser:<prx-id>/<user>` of the proxy: the exact ARN, built from the
   * proxy ARN. `user` must be one of the configured users.
   */
  public grantProxyConnect(grantee: iam.IGrantable, user: string): iam.Grant {
    this.assertKnownUser(user);
    return this.proxy.grantConnect(grantee, user);
  }

  /** Grants `rds-db:connect` directly on the instance as `user` (`dbuser:<DbiResourceId>/<user>`). */
  public grantInstanceConnect(grantee: iam.IGrantable, user: string): iam.Grant {
    this.assertKnownUser(user);
    return this.instance.grantConnect(grantee, user);
  }

  private assertKnownUser(user: string): void {
    if (!this.users.some((u) => u.name === user)) {
      throw new Error(`'${user}' is not a configured database user (${this.users.map((u) => u.name).join(', ')})`);
    }
  }
}

/**
 * A deterministic RDS identifier (instance or proxy name) unique to this construct path:
 * lower-case letters and digits, starting with a letter, at most 60 characters.
 */
function rdsIdentifier(scope: Construct, suffix: string): string {
  const id = Names.uniqueResourceName(scope, { maxLength: 60 - suffix.length, separator: '' }) + suffix;
  const lower = id.toLowerCase().replace(/[^a-z0-9]/g, '');
  return /^[a-z]/.test(lower) ? lower : `db${lower}`.slice(0, 60);
}
