import { jest } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { MANAGED_RULE_GROUPS } from '../../src/constructs/web-firewall.js';
import { focusedConfigs, variants } from '../support/configs.js';
import { synthesize } from '../support/synth.js';
import { onlyResource } from '../support/template.js';

// Synthesis runs esbuild (bootstrap Lambda) and cdk-nag: slower than jest's 5 s default.
jest.setTimeout(180_000);

const zone = focusedConfigs.withHostedZone.hostedZone;

describe('front door without a domain (production profile)', () => {
  // `stack` builds the construct tree on first use: only the test that inspects it pays for it.
  const synthesized = synthesize(variants.default);
  const { template, edge } = synthesized;
  const distribution = () => onlyResource(template, 'AWS::CloudFront::Distribution').props.DistributionConfig;

  test('CloudFront reaches the internal load balancer through a VPC origin, over HTTP inside the VPC', () => {
    const origin = onlyResource(template, 'AWS::CloudFront::VpcOrigin').props.VpcOriginEndpointConfig;
    expect(origin).toMatchObject({
      Arn: { Ref: expect.stringMatching(/^ServiceLoadBalancer/) },
      OriginProtocolPolicy: 'http-only',
    });
    const vpcOrigin = expect.objectContaining({ VpcOriginId: expect.anything() });
    expect(distribution().Origins).toEqual([expect.objectContaining({ VpcOriginConfig: vpcOrigin })]);
  });

  test('viewers: HTTPS only (HTTP redirects), every method, nothing cached, security headers, HTTP/3, IPv6', () => {
    expect(distribution()).toMatchObject({
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
        ResponseHeadersPolicyId: '67f7725c-6f97-4210-82d7-5512b31e9d03', // Managed-SecurityHeadersPolicy
      },
      HttpVersion: 'http2and3',
      IPV6Enabled: true,
    });
    expect(distribution().Aliases).toBeUndefined();
  });

  test('the web ACL comes from the us-east-1 stack (a cross-region reference)', () => {
    const { stack } = synthesized;
    expect(stack.edge.region).toBe('us-east-1');
    expect(JSON.stringify(distribution().WebACLId)).toContain('ExportsReader');
    expect(stack.dependencies).toContain(stack.edge);
  });

  test('access logs: CloudFront standard logs to the versioned bucket in us-east-1, with a retention rule', () => {
    expect(distribution().Logging).toMatchObject({ Prefix: 'cloudfront/' });
    edge.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] },
    });
  });

  test("CloudFront's own certificate: its minimum TLS version is fixed, the reason is recorded for cdk-nag and checkov", () => {
    expect(distribution().ViewerCertificate).toBeUndefined();
    const skips = onlyResource(template, 'AWS::CloudFront::Distribution');
    const metadata = template.toJSON().Resources[skips.id].Metadata.checkov.skip as { id: string }[];
    expect(metadata.map((s) => s.id)).toEqual(['CKV_AWS_174', 'CKV2_AWS_42']);
  });

  test('outputs: the service URL is https://<distribution>, and the distribution name', () => {
    template.hasOutput('ServiceUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^FrontDoorDistribution'), 'DomainName'] }]] } });
    template.hasOutput('FrontDoorDomainName', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FrontDoorDistribution'), 'DomainName'] } });
    expect(Object.keys(template.toJSON().Outputs)).not.toContain('DnsRecordToCreate');
  });
});

describe('web application firewall', () => {
  const { edge } = synthesize(variants.default);

  test('CLOUDFRONT scope: the AWS managed rule groups, then a per-client-IP rate rule that blocks', () => {
    const acl = onlyResource(edge, 'AWS::WAFv2::WebACL').props;
    expect(acl).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} }, Name: 'my-stack-prod' });
    const rules = acl.Rules as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(rules.map((r) => r.Name)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesSQLiRuleSet',
      'RatePerClientIp',
    ]);
    expect(MANAGED_RULE_GROUPS).toHaveLength(4);
    for (const rule of rules.slice(0, 4)) {
      expect(rule).toMatchObject({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: rule.Name } }, OverrideAction: { None: {} } });
    }
    expect(rules[4]).toMatchObject({ Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } });
    expect(rules.map((r) => r.Priority)).toEqual([0, 1, 2, 3, 4]);
  });

  test('every request logged to an encrypted, retained log group named aws-waf-logs-*, authorization header redacted', () => {
    const logGroup = onlyResource(edge, 'AWS::Logs::LogGroup');
    expect(logGroup.props).toMatchObject({ LogGroupName: 'aws-waf-logs-my-stack-prod', RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^LogKey/), 'Arn'] } });
    expect(edge.toJSON().Resources[logGroup.id].DeletionPolicy).toBe('Retain');
    const logging = onlyResource(edge, 'AWS::WAFv2::LoggingConfiguration').props;
    expect(logging.ResourceArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WebFirewallWebAcl/), 'Arn'] });
    expect(JSON.stringify(logging.LogDestinationConfigs)).toContain(':log-group:');
    expect(JSON.stringify(logging.LogDestinationConfigs)).not.toContain(':*');
    expect(logging.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }]);
    edge.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('production profile: on; development profile: off (no web ACL, no WAF key), the distribution without one', () => {
    const development = synthesize(variants.development);
    development.edge.resourceCountIs('AWS::WAFv2::WebACL', 0);
    development.edge.resourceCountIs('AWS::KMS::Key', 0);
    expect(onlyResource(development.template, 'AWS::CloudFront::Distribution').props.DistributionConfig.WebACLId).toBeUndefined();
    // variants.default's one stage has the production profile.
    synthesize(variants.default).edge.resourceCountIs('AWS::WAFv2::WebACL', 1);
  });

  test("a stage's webApplicationFirewall setting overrides its profile's", () => {
    synthesize(focusedConfigs.developmentWithFirewall).edge.resourceCountIs('AWS::WAFv2::WebACL', 1);
  });

  test('the development profile uses one NAT gateway when internet egress is on', () => {
    const development = synthesize(focusedConfigs.developmentEgress);
    development.template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });
});

describe('front door with a domain name and its hosted zone', () => {
  const synthesized = synthesize(focusedConfigs.withHostedZone);
  const { template, edge } = synthesized;
  const distribution = () => onlyResource(template, 'AWS::CloudFront::Distribution').props.DistributionConfig;

  test('viewer certificate in us-east-1, DNS-validated in the hosted zone; TLS 1.3 only (the strictest policy), SNI', () => {
    edge.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'app.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'app.example.com', HostedZoneId: zone.id }],
    });
    expect(distribution().Aliases).toEqual(['app.example.com']);
    expect(distribution().ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.3_2025', SslSupportMethod: 'sni-only' });
    expect(JSON.stringify(distribution().ViewerCertificate.AcmCertificateArn)).toContain('ExportsReader');
  });

  test("HTTPS to the load balancer, verified against the domain name; the load balancer's certificate validated in the zone too", () => {
    const origin = onlyResource(template, 'AWS::CloudFront::VpcOrigin').props.VpcOriginEndpointConfig;
    expect(origin).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(distribution().Origins[0].DomainName).toBe('app.example.com');
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'app.example.com',
      DomainValidationOptions: [{ DomainName: 'app.example.com', HostedZoneId: zone.id }],
    });
  });

  test('alias records (A and AAAA) point the domain at the distribution; no hand-made record needed', () => {
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'app.example.com.',
        Type: type,
        HostedZoneId: zone.id,
        AliasTarget: { DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FrontDoorDistribution'), 'DomainName'] }, HostedZoneId: Match.anyValue() },
      });
    }
    expect(Object.keys(template.toJSON().Outputs)).not.toContain('DnsRecordToCreate');
    template.hasOutput('ServiceUrl', { Value: 'https://app.example.com' });
  });

  test('cdk-nag clean in both stacks, no CFR4 acknowledgement needed', () => {
    expect(synthesized.nagFindings).toEqual([]);
    const acknowledged = synthesized.stack.frontDoor.distribution.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').flatMap((m) => Object.keys(m.data as object));
    expect(acknowledged).toEqual(['Annotation::AwsSolutions-CFR1']);
  });
});

describe('front door with a domain name but no hosted zone', () => {
  const { template, edge } = synthesize(focusedConfigs.withDomain);

  test('outputs the exact record to create: a CNAME to the distribution (never the domain again)', () => {
    template.hasOutput('DnsRecordToCreate', {
      Value: { 'Fn::Join': ['', ['app.example.com. CNAME ', { 'Fn::GetAtt': [Match.stringLikeRegexp('^FrontDoorDistribution'), 'DomainName'] }, '.']] },
    });
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
  });

  test('the certificates wait for the validation record created by hand (no zone in the template)', () => {
    edge.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'app.example.com', DomainValidationOptions: Match.absent() });
  });

  test('a zone apex gets an ALIAS record (a CNAME cannot live there)', () => {
    const { template: apex } = synthesize(focusedConfigs.apexDomain);
    apex.hasOutput('DnsRecordToCreate', { Value: { 'Fn::Join': ['', ['example.com. ALIAS ', Match.anyValue(), '.']] } });
  });
});

test('in us-east-1 the companion stack is in the same region: plain exports, no cross-region handlers', () => {
  const { stack, template } = synthesize(variants.sixAzUsEast1);
  expect(stack.edge.region).toBe('us-east-1');
  template.resourceCountIs('Custom::CrossRegionExportReader', 0);
  expect(JSON.stringify(onlyResource(template, 'AWS::CloudFront::Distribution').props.DistributionConfig.WebACLId)).toContain('Fn::ImportValue');
});
