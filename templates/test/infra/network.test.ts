import { jest } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { variants, withProductionStage } from '../support/configs.js';
import { synthesize } from '../support/synth.js';

// Synthesis runs esbuild (bootstrap Lambda) and cdk-nag: slower than jest's 5 s default.
jest.setTimeout(120_000);

describe('Network', () => {
  const { template } = synthesize(variants.default);

  test('spans exactly the configured AZs with public, app and data subnets in each', () => {
    const subnets = template.findResources('AWS::EC2::Subnet');
    const azs = Object.values(subnets).map((s) => s.Properties.AvailabilityZone);
    expect([...new Set(azs)].sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(Object.keys(subnets)).toHaveLength(6);
    for (const type of ['Public', 'Private', 'Isolated']) {
      template.resourcePropertiesCountIs(
        'AWS::EC2::Subnet',
        { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: type }]) },
        2,
      );
    }
  });

  test('assigns no public IPs on launch, even in public subnets', () => {
    const subnets = template.findResources('AWS::EC2::Subnet');
    for (const subnet of Object.values(subnets)) {
      expect(subnet.Properties.MapPublicIpOnLaunch).not.toBe(true);
    }
  });

  test('one NAT gateway per AZ by default', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    const six = synthesize(variants.sixAzUsEast1).template;
    six.resourceCountIs('AWS::EC2::NatGateway', 6);
    six.resourceCountIs('AWS::EC2::Subnet', 18);
  });

  test("natGateways 'single' creates one NAT gateway", () => {
    synthesize(variants.threeAzMixed).template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('every app subnet routes to the internet through a NAT gateway, data subnets do not', () => {
    const routes = template.findResources('AWS::EC2::Route');
    const natRoutes = Object.values(routes).filter((r) => r.Properties.NatGatewayId);
    expect(natRoutes).toHaveLength(2);
    const dataRouteTables = Object.entries(template.findResources('AWS::EC2::RouteTable'))
      .filter(([id]) => id.includes('dataSubnet'))
      .map(([id]) => id);
    expect(dataRouteTables).toHaveLength(2);
    for (const route of Object.values(routes)) {
      expect(dataRouteTables).not.toContain(route.Properties.RouteTableId.Ref);
    }
  });

  test('VPC flow logs capture all traffic into an encrypted log group with retention', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: Match.stringLikeRegexp('^NetworkFlowLogGroup') },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.absent(),
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
    });
  });

  test('S3 gateway endpoint on every route table; Secrets Manager interface endpoint in the data subnets', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
      RouteTableIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('dataSubnet1RouteTable') }]),
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: 'com.amazonaws.eu-west-1.secretsmanager',
      PrivateDnsEnabled: true,
      SubnetIds: [
        { Ref: Match.stringLikeRegexp('^NetworkVpcdataSubnet1') },
        { Ref: Match.stringLikeRegexp('^NetworkVpcdataSubnet2') },
      ],
    });
  });

  test('the endpoint security group admits nobody until a caller is admitted', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Interface VPC endpoints'),
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('restricts the default security group', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('rejects fewer than two AZs', () => {
    expect(() => synthesize(withProductionStage({ ...variants.default, availabilityZones: ['eu-west-1a'] }))).toThrow(
      /at least two Availability Zones/,
    );
  });
});

describe('checkov skips written into the template', () => {
  test('the restrict-default-SG handler carries reasoned checkov skips', () => {
    const { template } = synthesize(variants.default);
    const handlers = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([id]) => id.startsWith('CustomVpcRestrictDefaultSGCustomResourceProvider'))
      .map(([, resource]) => resource);
    expect(handlers).toHaveLength(1);
    const skips = handlers[0]!.Metadata.checkov.skip as { id: string; comment: string }[];
    expect(skips.map((s) => s.id)).toEqual(['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117']);
    for (const s of skips) expect(s.comment.length).toBeGreaterThan(40);
  });

  test('subnets tell cfn-lint why their AZ names are literal', () => {
    const { template } = synthesize(variants.default);
    for (const subnet of Object.values(template.findResources('AWS::EC2::Subnet'))) {
      expect(subnet.Metadata['cfn-lint']).toEqual({ config: { ignore_checks: ['W3010'] } });
    }
  });
});
