import { type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { recordCrossRegionReferenceHandlerSuppressions } from './constructs/cdk-handlers.js';
import { importHostedZone } from './constructs/domain-records.js';
import { accessLogBucket, logsCapableKey } from './constructs/log-storage.js';
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
      const key = logsCapableKey(this, 'LogKey', `${id}: web application firewall logs`);
      this.webFirewall = new WebFirewall(this, 'WebFirewall', { scope: 'CLOUDFRONT', name: props.appStackName, encryptionKey: key });
    }

    if (props.domainName) {
      this.certificate = new acm.Certificate(this, 'ViewerCertificate', {
        domainName: props.domainName,
        validation: acm.CertificateValidation.fromDns(props.hostedZone ? importHostedZone(this, props.hostedZone) : undefined),
      });
    }

    // CloudFront standard logs: SSE-S3 only, delivered with an ACL (so ACLs stay enabled: CKV2_AWS_65).
    this.accessLogBucket = accessLogBucket(this, 'AccessLogBucket', {
      source: 'CloudFront',
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      retention: props.accessLogRetention,
      moreCheckovSkips: ['CKV2_AWS_65'],
    });
    recordCrossRegionReferenceHandlerSuppressions(this);
  }
}
