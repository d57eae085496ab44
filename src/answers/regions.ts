/**
 * The AWS commercial regions and the Availability Zone names this product deploys into.
 *
 * Zone names are written out (not looked up) so that `cdk synth` works offline and the VPC spans
 * exactly the zones chosen. A region's zones are listed in the order they are used: asking for
 * two zones takes the first two. Where an account sees a zone under another letter, edit
 * `availabilityZones` in the generated project's `.projenrc.ts`.
 */
export const AWS_REGIONS = {
  'us-east-1': { location: 'US East (N. Virginia)', zones: ['a', 'b', 'c', 'd', 'e', 'f'] },
  'us-east-2': { location: 'US East (Ohio)', zones: ['a', 'b', 'c'] },
  'us-west-1': { location: 'US West (N. California)', zones: ['a', 'c'] },
  'us-west-2': { location: 'US West (Oregon)', zones: ['a', 'b', 'c', 'd'] },
  'af-south-1': { location: 'Africa (Cape Town)', zones: ['a', 'b', 'c'] },
  'ap-east-1': { location: 'Asia Pacific (Hong Kong)', zones: ['a', 'b', 'c'] },
  'ap-east-2': { location: 'Asia Pacific (Taipei)', zones: ['a', 'b', 'c'] },
  'ap-south-1': { location: 'Asia Pacific (Mumbai)', zones: ['a', 'b', 'c'] },
  'ap-south-2': { location: 'Asia Pacific (Hyderabad)', zones: ['a', 'b', 'c'] },
  'ap-southeast-1': { location: 'Asia Pacific (Singapore)', zones: ['a', 'b', 'c'] },
  'ap-southeast-2': { location: 'Asia Pacific (Sydney)', zones: ['a', 'b', 'c'] },
  'ap-southeast-3': { location: 'Asia Pacific (Jakarta)', zones: ['a', 'b', 'c'] },
  'ap-southeast-4': { location: 'Asia Pacific (Melbourne)', zones: ['a', 'b', 'c'] },
  'ap-southeast-5': { location: 'Asia Pacific (Malaysia)', zones: ['a', 'b', 'c'] },
  'ap-southeast-7': { location: 'Asia Pacific (Thailand)', zones: ['a', 'b', 'c'] },
  'ap-northeast-1': { location: 'Asia Pacific (Tokyo)', zones: ['a', 'c', 'd'] },
  'ap-northeast-2': { location: 'Asia Pacific (Seoul)', zones: ['a', 'b', 'c', 'd'] },
  'ap-northeast-3': { location: 'Asia Pacific (Osaka)', zones: ['a', 'b', 'c'] },
  'ca-central-1': { location: 'Canada (Central)', zones: ['a', 'b', 'd'] },
  'ca-west-1': { location: 'Canada West (Calgary)', zones: ['a', 'b', 'c'] },
  'eu-central-1': { location: 'Europe (Frankfurt)', zones: ['a', 'b', 'c'] },
  'eu-central-2': { location: 'Europe (Zurich)', zones: ['a', 'b', 'c'] },
  'eu-west-1': { location: 'Europe (Ireland)', zones: ['a', 'b', 'c'] },
  'eu-west-2': { location: 'Europe (London)', zones: ['a', 'b', 'c'] },
  'eu-west-3': { location: 'Europe (Paris)', zones: ['a', 'b', 'c'] },
  'eu-south-1': { location: 'Europe (Milan)', zones: ['a', 'b', 'c'] },
  'eu-south-2': { location: 'Europe (Spain)', zones: ['a', 'b', 'c'] },
  'eu-north-1': { location: 'Europe (Stockholm)', zones: ['a', 'b', 'c'] },
  'il-central-1': { location: 'Israel (Tel Aviv)', zones: ['a', 'b', 'c'] },
  'me-south-1': { location: 'Middle East (Bahrain)', zones: ['a', 'b', 'c'] },
  'me-central-1': { location: 'Middle East (UAE)', zones: ['a', 'b', 'c'] },
  'mx-central-1': { location: 'Mexico (Central)', zones: ['a', 'b', 'c'] },
  'sa-east-1': { location: 'South America (São Paulo)', zones: ['a', 'b', 'c'] },
} as const satisfies Record<string, { location: string; zones: readonly string[] }>;

export type AwsRegion = keyof typeof AWS_REGIONS;

export const REGION_NAMES = Object.keys(AWS_REGIONS) as AwsRegion[];

export function isAwsRegion(value: string): value is AwsRegion {
  return Object.hasOwn(AWS_REGIONS, value);
}

/** The Availability Zone names of a region, in the order they are used. */
export function availabilityZonesOf(region: AwsRegion): string[] {
  return AWS_REGIONS[region].zones.map((letter) => `${region}${letter}`);
}
