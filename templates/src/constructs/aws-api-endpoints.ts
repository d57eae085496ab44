import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { defaultResource, recordCdkHandlerSuppressions } from './cdk-handlers.js';

/** Construct id of the Lambda that every AwsCustomResource in a stack shares (aws-cdk-lib's constant). */
const AWS_CUSTOM_RESOURCE_SINGLETON_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/** Interface endpoints of the AWS APIs a Fargate task calls: image pulls (ECR) and its logs. */
const TASK_INTERFACE_ENDPOINTS = {
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
} as const;

/** The interface endpoint an ECS Exec session's agent needs (its data and control channels). */
const SESSION_MANAGER_ENDPOINTS = {
  SsmMessages: ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES,
} as const;

export interface AwsApiEndpointsProps {
  /** The VPC; it must have the S3 gateway endpoint (image layers come from S3). */
  readonly vpc: ec2.IVpc;
  /** Where the interface endpoints' network interfaces go (one per AZ): the callers' subnets. */
  readonly subnets: ec2.SubnetSelection;
  /** Security group of the endpoints, without egress; callers are admitted on HTTPS by `allowFrom`. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Key for the log group of the prefix-list look-up. */
  readonly encryptionKey: kms.IKey;
  /**
   * Also the Session Manager messages endpoint (`ssmmessages`), which the SSM agent of an ECS Exec
   * session calls: needed by the operators' tunnel (`db:connect`) when the tasks have no internet.
   * @default false
   */
  readonly sessionManager?: boolean;
}

/**
 * What a Fargate task without internet access needs to start and log: interface endpoints for ECR
 * (API and registry) and CloudWatch Logs with private DNS, and the id of the region's S3 prefix
 * list so a security group can let image-layer downloads out to the S3 gateway endpoint and nothing
 * else. The prefix-list id differs per region and CloudFormation does not expose it: a custom
 * resource reads it at deploy time (`ec2:DescribePrefixLists`), so synth stays offline.
 */
export class AwsApiEndpoints extends Construct {
  public readonly interfaceEndpoints: readonly ec2.InterfaceVpcEndpoint[];
  /** Id of the region's `com.amazonaws.<region>.s3` prefix list (a deploy-time value). */
  public readonly s3PrefixListId: string;

  constructor(scope: Construct, id: string, props: AwsApiEndpointsProps) {
    super(scope, id);
    const services = { ...TASK_INTERFACE_ENDPOINTS, ...(props.sessionManager ? SESSION_MANAGER_ENDPOINTS : {}) };
    this.interfaceEndpoints = Object.entries(services).map(([name, service]) =>
      new ec2.InterfaceVpcEndpoint(this, name, {
        vpc: props.vpc,
        service,
        subnets: props.subnets,
        privateDnsEnabled: true,
        securityGroups: [props.securityGroup],
        open: false,
      }),
    );

    const region = Stack.of(this).region;
    const lookupLogs = new logs.LogGroup(this, 'S3PrefixListLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Own role instead of the default AWSLambdaBasicExecutionRole (logs:CreateLogGroup on *).
    const lookupRole = new iam.Role(this, 'S3PrefixListRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Reads the id of the region\'s S3 prefix list at deploy time',
    });
    lookupLogs.grantWrite(lookupRole);
    const lookup = new cr.AwsCustomResource(this, 'S3PrefixList', {
      onUpdate: {
        service: 'EC2',
        action: 'describePrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [`com.amazonaws.${region}.s3`] }] },
        physicalResourceId: cr.PhysicalResourceId.of(`s3-prefix-list-${region}`),
        outputPaths: ['PrefixLists.0.PrefixListId'],
      },
      // DescribePrefixLists has no resource-level permissions: IAM requires "*".
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
      role: lookupRole,
      logGroup: lookupLogs,
    });
    const handler = defaultResource(Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON_ID));
    if (handler) recordCdkHandlerSuppressions(handler, 'reads the S3 prefix list id');
    this.s3PrefixListId = lookup.getResponseField('PrefixLists.0.PrefixListId');
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribePrefixLists (read-only) has no resource-level permissions; it is the only action of this policy.',
    });
  }

  /** Lets `peer` reach the ECR and CloudWatch Logs endpoints and S3 (image layers) on HTTPS only. */
  public allowFrom(peer: ec2.IConnectable, description: string): void {
    for (const endpoint of this.interfaceEndpoints) endpoint.connections.allowDefaultPortFrom(peer, description);
    peer.connections.allowTo(ec2.Peer.prefixList(this.s3PrefixListId), ec2.Port.tcp(443), `${description}: S3 (image layers) through the gateway endpoint`);
  }
}
