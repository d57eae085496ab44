import type { StackConfig, StageConfig, StageProfile, StageSettings } from '../../src/stack-config.js';

/**
 * Config variants the tests synthesize (and that cfn-lint/checkov check, see the README).
 * Each one is written out in full, independent of the project's own `stackConfig`, so the tests
 * keep their meaning whatever `.projenrc.ts` says. Tests of the project's own config import
 * `stackConfig` directly and assert only properties that hold for every valid config.
 */
/** The profiles' settings as the package renders them (production with natGateways per-az and Multi-AZ). */
export const productionSettings: StageSettings = {
  instanceClass: 'db.m7g.large',
  multiAz: true,
  natGateways: 'per-az',
  webApplicationFirewall: true,
  minTasks: 2,
  maxTasks: 6,
  deletionProtection: true,
  backupRetentionDays: 14,
};
export const developmentSettings: StageSettings = {
  instanceClass: 'db.t4g.medium',
  multiAz: false,
  natGateways: 'single',
  webApplicationFirewall: false,
  minTasks: 1,
  maxTasks: 2,
  deletionProtection: false,
  backupRetentionDays: 3,
};

/**
 * A config whose one stage, `prod`, follows the top-level region, zones, NAT mode and Multi-AZ, as
 * a project from before stages does: use it after overriding any of them.
 */
export function withProductionStage(config: Omit<StackConfig, 'stages'>): StackConfig {
  const prod: StageConfig = {
    name: 'prod',
    region: config.region,
    availabilityZones: config.availabilityZones,
    profile: 'production',
    stackName: `${config.stackName}-prod`,
    settings: { ...productionSettings, natGateways: config.natGateways, multiAz: config.multiAz },
  };
  return { ...config, stages: [prod] };
}

/** `config` with its last stage alone, given `profile` and that profile's settings (with `overrides`). */
export function withStageProfile(config: StackConfig, profile: StageProfile, overrides: Partial<StageSettings> = {}): StackConfig {
  const settings = { ...(profile === 'development' ? developmentSettings : productionSettings), ...overrides };
  const stage = config.stages.at(-1)!;
  return { ...config, stages: [{ ...stage, profile, settings }] };
}

/** An IAM Identity Center permission set's role, as operators are usually named. */
export const OPERATOR_ROLE_ARN = 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_DBA_0123abcd4567ef89';

const base: StackConfig = withProductionStage({
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
});

export const variants = {
  /** 2 AZs, 1 user, defaults. */
  default: base,
  /**
   * Scoped project name, 3 AZs, users of every access level, a single NAT gateway, single-AZ database,
   * and operators (their role, ECS Exec and the Session Manager endpoint).
   */
  threeAzMixed: withProductionStage({
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
      { name: 'dba', access: 'admin' },
    ],
    appUser: 'orders_app',
    operators: [OPERATOR_ROLE_ARN, 'arn:aws:iam::123456789012:user/break-fix'],
    natGateways: 'single',
    multiAz: false,
  }),
  /** Every AZ of us-east-1. */
  sixAzUsEast1: withProductionStage({
    ...base,
    projectName: 'big-stack',
    stackName: 'big-stack',
    region: 'us-east-1',
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f'],
  }),
  /** The alternative proxy mode with the RDS-managed master secret registered. */
  masterSecretMode: {
    ...base,
    proxyAuth: 'iam-with-master-secret',
  },
  /** The development profile: single NAT, single-AZ small class, one task, no deletion protection. */
  development: {
    ...base,
    stages: [{ ...base.stages[0]!, name: 'dev', profile: 'development', stackName: 'my-stack-dev', settings: developmentSettings }],
  },
  /** dev then prod, each in its own account and region (the CI-access stacks follow the accounts), with a migration task. */
  twoAccounts: {
    ...base,
    databaseUsers: [
      { name: 'app_user', access: 'read-write' },
      { name: 'migrator', access: 'schema-owner' },
    ],
    stages: [
      { name: 'dev', account: '111111111111', region: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'], profile: 'development', stackName: 'my-stack-dev', settings: developmentSettings },
      { name: 'prod', account: '222222222222', region: 'eu-central-1', availabilityZones: ['eu-central-1a', 'eu-central-1b'], profile: 'production', stackName: 'my-stack-prod', settings: productionSettings },
    ],
    githubRepository: 'acme/orders',
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
  /** A custom domain and its hosted zone: certificates validated and alias records created there. */
  withHostedZone: { ...base, domainName: 'app.example.com', hostedZone: { id: 'Z0123456789ABCDEFGHIJ', name: 'example.com' } },
  /** A custom domain at a zone apex. */
  apexDomain: { ...base, domainName: 'example.com' },
  /** Internet egress through NAT gateways: per AZ (default), in six AZs, and a single one (threeAzMixed). */
  egress: { ...base, internetEgress: true },
  sixAzEgress: { ...variants.sixAzUsEast1, internetEgress: true },
  threeAzEgress: { ...variants.threeAzMixed, internetEgress: true },
  /** An alarm e-mail address: subscribed to the notification topic. */
  withAlarmEmail: { ...base, alarmEmail: 'oncall@example.com' },
  /** The one stage with the development profile (variants.development without it), with the web firewall, and with internet egress. */
  developmentWithFirewall: withStageProfile(base, 'development', { webApplicationFirewall: true }),
  developmentEgress: withStageProfile({ ...base, internetEgress: true }, 'development'),
  /** A region opened after August 2022 (ALB log delivery by service principal). */
  newerRegion: withProductionStage({ ...base, region: 'ap-southeast-4', availabilityZones: ['ap-southeast-4a', 'ap-southeast-4b'] }),
  /** The app user is the schema owner: it migrates at start-up. */
  appUserOwnsSchema: { ...base, databaseUsers: [{ name: 'svc', access: 'schema-owner' }], appUser: 'svc' },
  /** Invalid: a single AZ. */
  oneAz: withProductionStage({ ...base, availabilityZones: ['eu-west-1a'] }),
} satisfies Record<string, StackConfig>;
