import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { recordCrossRegionReferenceHandlerSuppressions } from './constructs/cdk-handlers.js';
import { WebFirewall } from './constructs/web-firewall.js';
import type { HostedZoneConfig } from './stack-config.js';

/** CloudFront reads viewer certificates and CLOUDFRONT-scope web ACLs from this region only. */
export const EDGE_REGION = 'us-east-1';

export interface EdgeStackProps extends StackProps {
  /** Name of the app stack this one serves; it names the web ACL and its log group. */
  readonly appStackName: string;
  /** Make the CLOUDFRONT-scope web ACL. */
  readonly webApplicationFirewall: boolean;
  /** The app's own DNS name: a viewer certificate is made for it. */
  readonly domainName?: string;
  /** Hosted zone of `domainName`: the certificate is validated through it automatically. */
  readonly hostedZone?: HostedZoneConfig;
  /**
   * How long CloudFront access logs are kept.
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
}

/**
 * What CloudFront needs from us-east-1: the web ACL (CLOUDFRONT scope) with its encrypted log
 * group, the viewer certificate of the app's domain, and the bucket for CloudFront's access logs
 * (a region that always accepts them). The app stack references these across regions
 * (`crossRegionReferences`): CDK passes the values through SSM parameters in the app's region.
 */
export class EdgeStack extends Stack {
  public readonly webFirewall?: WebFirewall;
  public readonly certificate?: acm.Certificate;
  /** Receives CloudFront's standard access logs (ACLs enabled: CloudFront's log delivery writes with an ACL). */
  public readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    if (this.region !== EDGE_REGION) throw new Error(`EdgeStack must be in ${EDGE_REGION} (CloudFront), got ${this.region}`);

    if (props.webApplicationFirewall) {
      const key = new kms.Key(this, 'LogKey', {
        description: `${id}: web application firewall logs`,
        enableKeyRotation: true,
        pendingWindow: Duration.days(30),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchLogsOfThisAccount',
          principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'],
          conditions: {
            ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` },
          },
        }),
      );
      this.webFirewall = new WebFirewall(this, 'WebFirewall', { scope: 'CLOUDFRONT', name: props.appStackName, encryptionKey: key });
    }

    if (props.domainName) {
      this.certificate = new acm.Certificate(this, 'ViewerCertificate', {
        domainName: props.domainName,
        validation: acm.CertificateValidation.fromDns(props.hostedZone ? importHostedZone(this, props.hostedZone) : undefined),
      });
    }

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      // CloudFront standard logs are delivered with SSE-S3 and an ACL (no customer-managed KMS key).
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: props.accessLogRetention ?? Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const reason =
      'This bucket only receives CloudFront access logs. Logging its own access to another bucket, event notifications ' +
      'and a customer-managed KMS key (CloudFront standard logs support SSE-S3 only) add nothing; CloudFront log delivery needs ACLs enabled.';
    Validations.of(this.accessLogBucket).acknowledge({ id: 'AwsSolutions-S1', reason });
    (this.accessLogBucket.node.defaultChild as s3.CfnBucket).addMetadata('checkov', {
      skip: ['CKV_AWS_18', 'CKV2_AWS_62', 'CKV_AWS_145', 'CKV2_AWS_65'].map((checkId) => ({ id: checkId, comment: reason })),
    });
    recordCrossRegionReferenceHandlerSuppressions(this);
  }
}

/** The hosted zone by id and name, as configured: no lookup, synth stays offline. */
export function importHostedZone(scope: Construct, zone: HostedZoneConfig): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(scope, 'HostedZone', { hostedZoneId: zone.id, zoneName: zone.name });
}
