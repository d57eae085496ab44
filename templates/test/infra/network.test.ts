import { jest } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { focusedConfigs, variants } from '../support/configs.js';
import { templatesOf } from '../support/templates-of.js';

// Synthesis runs esbuild (bootstrap Lambda) and cdk-nag: slower than jest's 5 s default.
jest.setTimeout(120_000);

describe('Network', () => {
  const { template } = templatesOf(variants.default);

  test('spans exactly the configured AZs with public, app and data subnets in each', () => {
    const subnets = template.findResources('AWS::EC2::Subnet');
    const azs = Object.values(subnets).map((s) => s.Properties.AvailabilityZone);
    expect([...new Set(azs)].sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(Object.keys(subnets)).toHaveLength(6);
    // Without internet egress the app subnets are isolated like the data subnets.
    for (const [type, count] of [['Public', 2], ['Private', 0], ['Isolated', 4]] as const) {
      template.resourcePropertiesCountIs('AWS::EC2::Subnet', { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: type }]) }, count);
    }
  });

  test('assigns no public IPs on launch, even in public subnets', () => {
    const subnets = template.findResources('AWS::EC2::Subnet');
    for (const subnet of Object.values(subnets)) {
      expect(subnet.Properties.MapPublicIpOnLaunch).not.toBe(true);
    }
  });

  test('no NAT gateway and no route to the internet from app or data subnets by default (VPC endpoints instead)', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    const privateTables = Object.keys(template.findResources('AWS::EC2::RouteTable')).filter((id) => /(app|data)Subnet/.test(id));
    expect(privateTables).toHaveLength(4);
    const routes = Object.values(template.findResources('AWS::EC2::Route')).map((r) => r.Properties);
    // Only the public subnets route anywhere (to the internet gateway CloudFront's VPC origin needs).
    expect(routes).toHaveLength(2);
    for (const route of routes) {
      expect(privateTables).not.toContain(route.RouteTableId.Ref);
      expect(route.GatewayId).toBeDefined();
    }
  });

  test('internetEgress: one NAT gateway per AZ (production profile), app subnets route through them', () => {
    const { template: egress } = templatesOf(focusedConfigs.egress);
    egress.resourceCountIs('AWS::EC2::NatGateway', 2);
    const natRoutes = Object.values(egress.findResources('AWS::EC2::Route')).filter((r) => r.Properties.NatGatewayId);
    expect(natRoutes.map((r) => r.Properties.RouteTableId.Ref)).toEqual([
      expect.stringMatching(/^NetworkVpcappSubnet1/),
      expect.stringMatching(/^NetworkVpcappSubnet2/),
    ]);
    const six = templatesOf(focusedConfigs.sixAzEgress).template;
    six.resourceCountIs('AWS::EC2::NatGateway', 6);
    six.resourceCountIs('AWS::EC2::Subnet', 18);
  });

  test("internetEgress with natGateways 'single' creates one NAT gateway", () => {
    templatesOf(focusedConfigs.threeAzEgress).template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('without internetEgress the NAT answer changes nothing', () => {
    templatesOf(variants.threeAzMixed).template.resourceCountIs('AWS::EC2::NatGateway', 0);
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

  test('ECR (API and registry) and CloudWatch Logs interface endpoints in the app subnets, private DNS, the shared locked-down group', () => {
    const endpointSg = Object.keys(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Interface VPC endpoints') } }))[0]!;
    for (const service of ['ecr.api', 'ecr.dkr', 'logs']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        ServiceName: `com.amazonaws.eu-west-1.${service}`,
        PrivateDnsEnabled: true,
        SubnetIds: [{ Ref: Match.stringLikeRegexp('^NetworkVpcappSubnet1') }, { Ref: Match.stringLikeRegexp('^NetworkVpcappSubnet2') }],
        SecurityGroupIds: [{ 'Fn::GetAtt': [endpointSg, 'GroupId'] }],
      });
    }
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 5);
  });

  test("the region's S3 prefix list id is read at deploy time (offline synth), with a read-only call", () => {
    const lookup = Object.values(template.findResources('Custom::AWS'))[0]!;
    const create = JSON.parse(JSON.stringify(lookup.Properties.Create)) as unknown;
    expect(JSON.stringify(create)).toContain('describePrefixLists');
    expect(JSON.stringify(create)).toContain('com.amazonaws.eu-west-1.s3');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'ec2:DescribePrefixLists', Effect: 'Allow', Resource: '*' }] },
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
    expect(() => templatesOf(focusedConfigs.oneAz)).toThrow(
      /at least two Availability Zones/,
    );
  });
});

describe('checkov skips written into the template', () => {
  test.each(['CustomVpcRestrictDefaultSGCustomResourceProvider', 'AWS679f53fac002430cb0da5b7982bd2287', 'CustomCrossRegionExportReaderCustomResourceProvider'])(
    'the CDK-provided handler %s carries reasoned checkov skips',
    (prefix) => {
      const { template } = templatesOf(variants.default);
      const handlers = Object.entries(template.findResources('AWS::Lambda::Function'))
        .filter(([id]) => id.startsWith(prefix))
        .map(([, resource]) => resource);
      expect(handlers).toHaveLength(1);
      const skips = handlers[0]!.Metadata.checkov.skip as { id: string; comment: string }[];
      expect(skips.map((s) => s.id)).toEqual(['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117']);
      for (const s of skips) expect(s.comment.length).toBeGreaterThan(40);
    },
  );

  test('subnets tell cfn-lint why their AZ names are literal', () => {
    const { template } = templatesOf(variants.default);
    for (const subnet of Object.values(template.findResources('AWS::EC2::Subnet'))) {
      expect(subnet.Metadata['cfn-lint']).toEqual({ config: { ignore_checks: ['W3010'] } });
    }
  });
});
