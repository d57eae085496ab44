import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { NatGatewayMode } from '../stack-config.js';
import { AwsApiEndpoints } from './aws-api-endpoints.js';
import { cdkProviderHandler, recordCdkHandlerSuppressions } from './cdk-handlers.js';

/** Subnet group names, also used in the subnets' `aws-cdk:subnet-name` tags. */
export const SubnetGroup = {
  /** The NAT gateways (with internet egress); their internet gateway also carries CloudFront's VPC origin. */
  PUBLIC: 'public',
  /** The app's compute and its internal load balancer: AWS APIs through VPC endpoints, the internet only with internetEgress. */
  APP: 'app',
  /** Database, RDS Proxy and the database-user bootstrap Lambda: no route to the internet. */
  DATA: 'data',
} as const;

export interface NetworkProps {
  /**
   * Exact Availability Zone names the VPC spans (e.g. `['eu-west-1a', 'eu-west-1b']`).
   * Given explicitly so synth needs no context lookup. At least two: RDS subnet groups,
   * Multi-AZ and RDS Proxy all need subnets in two AZs.
   */
  readonly availabilityZones: readonly string[];
  /**
   * Give the app subnets a route to the internet through NAT gateways. Without it they are isolated:
   * the tasks reach AWS through the VPC endpoints only, and no NAT gateway is paid for.
   * @default false
   */
  readonly internetEgress?: boolean;
  /**
   * With `internetEgress`: `per-az` puts a NAT gateway in every AZ, so losing one AZ does not cut
   * the others off the internet; `single` saves cost at the price of that cross-AZ dependency.
   * @default 'per-az'
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * IPv4 CIDR of the VPC. Public and data subnets get a /24 per AZ, app subnets a /20 per AZ.
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;
  /**
   * Customer-managed KMS key that encrypts the flow-log log group. Its key policy must allow
   * the CloudWatch Logs service principal of the region.
   */
  readonly encryptionKey: kms.IKey;
  /**
   * An endpoint for Session Manager's messages in the app subnets, for the operators' ECS Exec
   * tunnel (see `AwsApiEndpointsProps.sessionManager`).
   * @default false
   */
  readonly sessionManager?: boolean;
  /**
   * How long VPC flow logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * The VPC: public, app and data (isolated) subnets in every configured AZ, VPC flow logs, an S3
 * gateway endpoint and the interface endpoints the components call: ECR and CloudWatch Logs for the
 * app tasks (`awsApis`), Secrets Manager for the database-user bootstrap Lambda. NAT gateways (and
 * a route to the internet from the app subnets) only with `internetEgress`.
 */
export class Network extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;
  /** Where the app's compute and its internal load balancer run (private; a NAT route only with internetEgress). */
  public readonly appSubnets: ec2.SubnetSelection = { subnetGroupName: SubnetGroup.APP };
  /** Where the database, RDS Proxy and the bootstrap Lambda run (isolated subnets). */
  public readonly dataSubnets: ec2.SubnetSelection = { subnetGroupName: SubnetGroup.DATA };
  /** Secrets Manager interface endpoint in the data subnets. */
  public readonly secretsManagerEndpoint: ec2.InterfaceVpcEndpoint;
  /** Log group that receives the VPC flow logs. */
  public readonly flowLogGroup: logs.LogGroup;
  /** The endpoints of the AWS APIs the app tasks use (ECR, CloudWatch Logs, S3); admit callers with `allowFrom`. */
  public readonly awsApis: AwsApiEndpoints;
  /** Whether the app subnets route to the internet (through NAT gateways). */
  public readonly internetEgress: boolean;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);

    const azs = [...props.availabilityZones];
    if (azs.length < 2) {
      throw new Error(`Network needs at least two Availability Zones, got ${azs.length}: ${azs.join(', ')}`);
    }
    if (new Set(azs).size !== azs.length) {
      throw new Error(`Availability Zones must be unique, got ${azs.join(', ')}`);
    }
    const natMode = props.natGateways ?? 'per-az';
    this.internetEgress = props.internetEgress ?? false;
    const natGateways = !this.internetEgress ? 0 : natMode === 'single' ? 1 : azs.length;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.0.0.0/16'),
      availabilityZones: azs,
      natGateways,
      // Lock down the default security group (Security Hub EC2.2); nothing here uses it.
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        // No public IPs on launch: only NAT gateways (Elastic IPs) live here. The internet gateway these
        // subnets bring is also what CloudFront's VPC origin needs to reach the internal load balancer.
        { name: SubnetGroup.PUBLIC, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        {
          name: SubnetGroup.APP,
          subnetType: this.internetEgress ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
          cidrMask: 20,
        },
        { name: SubnetGroup.DATA, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // S3 through the gateway endpoint (free) from every subnet, including the isolated ones.
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });

    for (const subnet of [...this.vpc.publicSubnets, ...this.vpc.privateSubnets, ...this.vpc.isolatedSubnets]) {
      // Same reason for cfn-lint run on the synthesized template.
      (subnet.node.defaultChild as ec2.CfnSubnet).addMetadata('cfn-lint', { config: { ignore_checks: ['W3010'] } });
    }
    skipCheckovOnRestrictDefaultSgHandler(this);
    Validations.of(this.vpc).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason:
        'AZ names are explicit on purpose: they come from stack-config (chosen at generation time) so ' +
        'synth is offline and deterministic, and RDS Proxy cannot use every AZ.',
    });

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    // Interface endpoints get their own security group without blanket egress; callers are
    // admitted one by one with allowSecretsManagerAccessFrom().
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from admitted callers only',
      allowAllOutbound: false,
    });
    this.secretsManagerEndpoint = this.vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: this.dataSubnets,
      privateDnsEnabled: true,
      securityGroups: [endpointSecurityGroup],
      open: false,
    });
    this.awsApis = new AwsApiEndpoints(this, 'AwsApis', {
      vpc: this.vpc,
      subnets: this.appSubnets,
      securityGroup: endpointSecurityGroup,
      encryptionKey: props.encryptionKey,
      sessionManager: props.sessionManager,
    });
  }

  /** Admits `peer` (e.g. the bootstrap Lambda) to the Secrets Manager endpoint on HTTPS. */
  public allowSecretsManagerAccessFrom(peer: ec2.IConnectable, description = 'Secrets Manager API from admitted caller'): void {
    this.secretsManagerEndpoint.connections.allowDefaultPortFrom(peer, description);
  }
}

/**
 * The VPC's `restrictDefaultSecurityGroup` runs a CDK-provided singleton Lambda once per deployment
 * (it revokes the default security group's rules).
 */
function skipCheckovOnRestrictDefaultSgHandler(scope: Construct): void {
  const handler = cdkProviderHandler(Stack.of(scope), 'Custom::VpcRestrictDefaultSGCustomResourceProvider');
  if (handler) recordCdkHandlerSuppressions(handler, 'revokes the default security group rules');
}
