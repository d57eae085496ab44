import type { StackConfig } from '../../src/stack-config.js';

/**
 * Config variants the tests synthesize (and that cfn-lint/checkov check, see the README).
 * Each one is written out in full, independent of the project's own `stackConfig`, so the tests
 * keep their meaning whatever `.projenrc.ts` says. Tests of the project's own config import
 * `stackConfig` directly and assert only properties that hold for every valid config.
 */
const base: StackConfig = {
  projectName: 'my-stack',
  stackName: 'my-stack',
  region: 'eu-west-1',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  databaseName: 'app',
  databaseUsers: [{ name: 'app_user', access: 'read-write' }],
  appUser: 'app_user',
  internetEgress: false,
  natGateways: 'per-az',
  multiAz: true,
  proxyAuth: 'end-to-end-iam',
};

export const variants = {
  /** 2 AZs, 1 user, defaults. */
  default: base,
  /** Scoped project name, 3 AZs, three users with mixed access levels, a single NAT gateway, single-AZ database. */
  threeAzMixed: {
    ...base,
    projectName: '@acme/orders-db',
    stackName: 'orders-db',
    region: 'eu-central-1',
    availabilityZones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
    databaseName: 'orders',
    databaseUsers: [
      { name: 'orders_app', access: 'read-write' },
      { name: 'reporting', access: 'read-only' },
      { name: 'migrator', access: 'schema-owner' },
    ],
    appUser: 'orders_app',
    natGateways: 'single',
    multiAz: false,
  },
  /** Every AZ of us-east-1. */
  sixAzUsEast1: {
    ...base,
    projectName: 'big-stack',
    stackName: 'big-stack',
    region: 'us-east-1',
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f'],
  },
  /** The alternative proxy mode with the RDS-managed master secret registered. */
  masterSecretMode: {
    ...base,
    proxyAuth: 'iam-with-master-secret',
  },
} satisfies Record<string, StackConfig>;

/**
 * Configs that single tests assert on, beyond the variants that every-variant checks iterate over.
 * Listed here so that their synthesis is shared too (see assemblies.ts); invalid ones record the
 * error their synthesis throws.
 */
export const focusedConfigs = {
  /** A custom domain: HTTPS with an ACM certificate. */
  withDomain: { ...base, domainName: 'app.example.com' },
  /** A region opened after August 2022 (ALB log delivery by service principal). */
  newerRegion: { ...base, region: 'ap-southeast-4', availabilityZones: ['ap-southeast-4a', 'ap-southeast-4b'] },
  /** The app user is the schema owner: it migrates at start-up. */
  appUserOwnsSchema: { ...base, databaseUsers: [{ name: 'svc', access: 'schema-owner' }], appUser: 'svc' },
  /** Invalid: a single AZ. */
  oneAz: { ...base, availabilityZones: ['eu-west-1a'] },
} satisfies Record<string, StackConfig>;
