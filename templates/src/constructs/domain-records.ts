import { CfnOutput } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { HostedZoneConfig } from '../stack-config.js';

/** The hosted zone by id and name, as configured: no lookup, synth stays offline. */
export function importHostedZone(scope: Construct, zone: HostedZoneConfig): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(scope, 'HostedZone', { hostedZoneId: zone.id, zoneName: zone.name });
}

export interface DomainRecordsProps {
  /** The app's DNS name. */
  readonly domainName: string;
  /** The front door the name points at. */
  readonly distribution: cloudfront.IDistribution;
  /**
   * Route 53 zone of `domainName`: the alias records (A and AAAA) are made there. Without it the
   * output `DnsRecordToCreate` says exactly which record to create at the DNS provider.
   */
  readonly hostedZone?: HostedZoneConfig;
}

/** Points the app's domain name at the front door, or says which record to create by hand. */
export class DomainRecords extends Construct {
  constructor(scope: Construct, id: string, props: DomainRecordsProps) {
    super(scope, id);
    if (props.hostedZone) {
      const zone = importHostedZone(this, props.hostedZone);
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(props.distribution));
      new route53.ARecord(this, 'Alias', { zone, recordName: `${props.domainName}.`, target });
      new route53.AaaaRecord(this, 'AliasIpv6', { zone, recordName: `${props.domainName}.`, target });
    } else {
      // A zone apex cannot hold a CNAME: it needs the provider's ALIAS/ANAME (or a Route 53 alias).
      const type = props.domainName.split('.').length > 2 ? 'CNAME' : 'ALIAS';
      new CfnOutput(this, 'Record', {
        value: `${props.domainName}. ${type} ${props.distribution.distributionDomainName}.`,
        description: 'Create this DNS record at your DNS provider (no hostedZone configured)',
      }).overrideLogicalId('DnsRecordToCreate');
    }
  }
}
