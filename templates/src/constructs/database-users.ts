import { join } from 'node:path';
import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { DatabaseUserConfig } from '../stack-config.js';

export interface DatabaseUsersProps {
  /** The VPC of the database; the bootstrap Lambda runs inside it. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets for the bootstrap Lambda. Use the isolated (database) subnets: the Lambda needs no
   * internet route, only the database and the Secrets Manager interface endpoint.
   */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The RDS for MySQL instance whose users are managed; its security group admits the Lambda on the DB port. */
  readonly instance: rds.DatabaseInstance;
  /**
   * The RDS-managed master secret (`instance.secret`, from `manageMasterUserPassword`). The Lambda may
   * read this one secret and nothing else.
   */
  readonly masterSecret: secretsmanager.ISecret;
  /** The application database; users get privileges on this schema only. */
  readonly databaseName: string;
  /** IAM-authenticated users and their access levels (from `stackConfig.databaseUsers`). */
  readonly users: readonly DatabaseUserConfig[];
  /**
   * The Secrets Manager interface endpoint, when the network construct provides it as an object:
   * the Lambda's security group is then allowed to it explicitly.
   * @default - HTTPS egress to the VPC CIDR (where the endpoint's ENIs live)
   */
  readonly secretsManagerEndpoint?: ec2.IInterfaceVpcEndpoint;
  /**
   * Customer-managed KMS key for the two log groups (the bootstrap's and the Provider framework's).
   * Its key policy must allow the CloudWatch Logs service principal of the region.
   * @default - log groups encrypted by CloudWatch Logs with its own key
   */
  readonly encryptionKey?: kms.IKey;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Keeps the IAM-authenticated MySQL users (CREATE USER ... AWSAuthenticationPlugin, REQUIRE SSL, grants
 * per access level) in step with the configuration, through a CloudFormation custom resource.
 * The desired users are the resource's properties, so any change re-runs it; removing the resource
 * leaves users in place (they live and die with the database).
 */
export class DatabaseUsers extends Construct {
  /** The bootstrap (onEvent) Lambda. */
  readonly function: NodejsFunction;
  /** The Lambda's own security group, admitted by the database. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The custom resource; depend on it before anything connects as one of the users. */
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: DatabaseUsersProps) {
    super(scope, id);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Database user bootstrap Lambda: MySQL to the database, HTTPS to Secrets Manager only',
      allowAllOutbound: false,
    });
    // Adds the ingress rule on the database's group and the matching egress rule on ours.
    props.instance.connections.allowDefaultPortFrom(this.securityGroup, 'Database user bootstrap Lambda');
    if (props.secretsManagerEndpoint) {
      props.secretsManagerEndpoint.connections.allowDefaultPortFrom(this.securityGroup, 'Database user bootstrap Lambda');
    } else {
      this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(443), 'Secrets Manager interface endpoint');
    }

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Own role instead of the default AWSLambdaBasicExecutionRole (logs:CreateLogGroup on *): logs go
    // to the one group above; the only AWS-managed policy is the one for VPC ENIs.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Database user bootstrap Lambda',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
    });
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason: 'AWS-maintained policy for the ENIs a VPC Lambda needs (ec2:*NetworkInterface*, which cannot be scoped to resources); no other permissions.',
    });

    this.function = new NodejsFunction(this, 'Function', {
      description: 'Creates and reconciles IAM-authenticated MySQL users (DatabaseUsers custom resource)',
      entry: join(import.meta.dirname, '..', 'lambda', 'db-users', 'handler.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // Worst case: 6 connect attempts x 5 s timeout + ~44 s backoff + statements (15 s timeout each,
      // normally milliseconds) stays well inside 3 minutes; retries also stop early near the deadline.
      timeout: Duration.minutes(3),
      role,
      logGroup,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      environment: {
        DB_HOST: props.instance.dbInstanceEndpointAddress,
        DB_PORT: props.instance.dbInstanceEndpointPort,
        DB_SECRET_ARN: props.masterSecret.secretArn,
      },
      bundling: {
        format: OutputFormat.CJS,
        target: 'node24',
        minify: true,
        // The Node 24 runtime ships AWS SDK v3; bundling it would only add size.
        externalModules: ['@aws-sdk/*'],
        forceDockerBundling: false,
      },
    });
    props.masterSecret.grantRead(this.function);

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.function,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', {
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: props.encryptionKey,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    });
    // The framework's own Lambda is generated by aws-cdk-lib; its findings are not fixable here.
    Validations.of(provider).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK Provider framework Lambda (aws-cdk-lib internal): log permissions only.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason: 'CDK Provider framework: invoke permission on the versions/aliases of exactly the onEvent function.',
      },
    );

    recordLinterSuppressions(this.function, provider);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DatabaseUsers',
      properties: {
        DatabaseName: props.databaseName,
        Users: props.users.map((u) => ({ Name: u.name, Access: u.access })),
      },
    });
    // Run only after the database (and its ingress rule for our group) exists.
    this.resource.node.addDependency(props.instance);
  }
}

/**
 * checkov and cfn-lint findings on the two Lambdas that do not apply to a custom-resource handler;
 * recorded next to the resources so the tools run on the synthesized template show the reason.
 */
function recordLinterSuppressions(bootstrap: lambda.Function, provider: cr.Provider): void {
  const common = [
    { id: 'CKV_AWS_115', comment: 'Custom-resource handler, invoked only by CloudFormation during deployments; reserved concurrency would only take capacity from the account pool' },
    { id: 'CKV_AWS_116', comment: 'Custom-resource handler invoked synchronously; CloudFormation receives and reports every failure, a DLQ would receive nothing' },
    { id: 'CKV_AWS_173', comment: 'Environment holds no secret (database host, port, secret ARN, framework settings); the secret value is fetched at run time' },
  ];
  const bootstrapResource = bootstrap.node.defaultChild as lambda.CfnFunction;
  bootstrapResource.addMetadata('checkov', { skip: common });
  // CDK renders both a GetAtt and an explicit DependsOn on each function's role (cfn-lint W3005); harmless.
  bootstrapResource.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
  const framework = provider.node.tryFindChild('framework-onEvent');
  if (framework instanceof lambda.Function) {
    const frameworkResource = framework.node.defaultChild as lambda.CfnFunction;
    frameworkResource.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
    frameworkResource.addMetadata('checkov', {
      skip: [
        ...common,
        { id: 'CKV_AWS_117', comment: 'CDK Provider framework Lambda: it must reach the CloudFormation response URL in S3 and only invokes the bootstrap Lambda; it touches no VPC resource' },
      ],
    });
  }
}
