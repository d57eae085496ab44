import { Duration, Validations } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface FrontDoorProps {
  /** The app's internal load balancer; CloudFront reaches it through a VPC origin. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /**
   * The app's own DNS name. With it, viewers get the `viewerCertificate` with the strictest policy
   * CloudFront offers (TLS 1.3 only), and CloudFront talks HTTPS to the load balancer, verifying its
   * certificate against this name. Without it: `*.cloudfront.net` with CloudFront's certificate.
   */
  readonly domainName?: string;
  /** Certificate for `domainName`, in us-east-1 (CloudFront's rule). Required with `domainName`. */
  readonly viewerCertificate?: acm.ICertificate;
  /** ARN of a CLOUDFRONT-scope AWS WAF web ACL (us-east-1). */
  readonly webAclArn?: string;
  /** Bucket with ACLs enabled for CloudFront's standard access logs. */
  readonly accessLogBucket: s3.IBucket;
  /**
   * How long CloudFront waits for the app's response. Above 60 s needs a quota increase.
   * @default Duration.seconds(30)
   */
  readonly readTimeout?: Duration;
}

/**
 * The app's only way in: a CloudFront distribution that always serves HTTPS (HTTP redirects),
 * caches nothing (a dynamic API), forwards every viewer header but Host, adds security headers,
 * logs every request, and reaches the internal load balancer through a VPC origin.
 */
export class FrontDoor extends Construct {
  public readonly distribution: cloudfront.Distribution;
  /** `https://<domainName>` or `https://<id>.cloudfront.net`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: FrontDoorProps) {
    super(scope, id);
    if (props.domainName && !props.viewerCertificate) throw new Error(`domainName ${props.domainName} needs a viewerCertificate (in us-east-1)`);

    const origin = origins.VpcOrigin.withApplicationLoadBalancer(props.loadBalancer, {
      // With a domain name, CloudFront verifies the load balancer's certificate against it.
      domainName: props.domainName,
      protocolPolicy: props.domainName ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: props.readTimeout ?? Duration.seconds(30),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'App front door: HTTPS, WAF, VPC origin to the internal load balancer',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      domainNames: props.domainName ? [props.domainName] : undefined,
      certificate: props.viewerCertificate,
      minimumProtocolVersion: props.domainName ? cloudfront.SecurityPolicyProtocol.TLS_V1_3_2025 : undefined,
      sslSupportMethod: cloudfront.SSLMethod.SNI,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: props.accessLogBucket,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'No geo restriction: the app serves every country; add geoRestriction here if the business needs one.',
    });
    const checkovSkips: { id: string; comment: string }[] = [];
    if (!props.webAclArn) {
      const reason = 'Web application firewall turned off for this stage (stages[].settings.webApplicationFirewall in .projenrc.ts); production always has one.';
      Validations.of(this.distribution).acknowledge({ id: 'AwsSolutions-CFR2', reason });
      checkovSkips.push({ id: 'CKV_AWS_68', comment: reason });
    }
    if (!props.domainName) {
      const reason =
        'No domainName: CloudFront serves *.cloudfront.net with its own certificate, whose minimum TLS version cannot be raised ' +
        '(viewers still get HTTPS only: HTTP redirects). Set domainName for a TLS 1.3-only policy.';
      Validations.of(this.distribution).acknowledge({ id: 'AwsSolutions-CFR4', reason });
      checkovSkips.push({ id: 'CKV_AWS_174', comment: reason }, { id: 'CKV2_AWS_42', comment: reason });
    }
    if (checkovSkips.length > 0) (this.distribution.node.defaultChild as cloudfront.CfnDistribution).addMetadata('checkov', { skip: checkovSkips });
    this.url = `https://${props.domainName ?? this.distribution.distributionDomainName}`;
  }
}
