import type { Project } from 'projen';
import { FileBase } from './projen-modules.js';
import { stackNameOf } from './stack-name.js';
import { ACCESS_LEVELS, defaultHostedZoneName, profileSettings, selectedAvailabilityZones, STAGE_PROFILES, stagesOf, type StackAnswers, type StageSettings } from '../answers/index.js';

/** Where the generated project's owned CDK code imports its configuration from. */
export const STACK_CONFIG_PATH = 'src/stack-config.ts';

/**
 * Renders the typed, read-only configuration module that the owned CDK code imports. It is a
 * managed file: `.projenrc.ts` is the one place to change the configuration.
 */
export class StackConfigFile extends FileBase {
  constructor(
    project: Project,
    private readonly answers: StackAnswers,
  ) {
    super(project, STACK_CONFIG_PATH, { readonly: true, committed: true });
  }

  protected synthesizeContent(): string {
    return [...(this.marker ? [`// ${this.marker}`, ''] : []), ...renderStackConfig(this.answers)].join('\n');
  }
}

export function renderStackConfig(answers: StackAnswers): string[] {
  const config = {
    projectName: answers.name,
    stackName: stackNameOf(answers.name),
    region: answers.region,
    availabilityZones: selectedAvailabilityZones(answers),
    databaseName: answers.databaseName,
    databaseUsers: answers.databaseUsers.map(({ name, access }) => ({ name, access })),
    appUser: answers.appUser,
    internetEgress: answers.internetEgress,
    operators: answers.operators,
    natGateways: answers.natGateways,
    multiAz: answers.multiAz,
    proxyAuth: answers.proxyAuth,
    ...(answers.githubRepository ? { githubRepository: answers.githubRepository } : {}),
    ...(answers.domainName ? { domainName: answers.domainName } : {}),
    ...(answers.alarmEmail ? { alarmEmail: answers.alarmEmail } : {}),
    stages: stagesOf(answers),
    ...(answers.domainName && answers.hostedZone
      ? { hostedZone: { id: answers.hostedZone, name: answers.hostedZoneName ?? defaultHostedZoneName(answers.domainName) } }
      : {}),
  };
  return [
    '/** What a database user may do in the application database. */',
    `export type AccessLevel = ${ACCESS_LEVELS.map((level) => `'${level}'`).join(' | ')};`,
    '',
    'export interface DatabaseUserConfig {',
    '  /** MySQL user name; it authenticates with IAM only. */',
    '  readonly name: string;',
    '  readonly access: AccessLevel;',
    '}',
    '',
    "export type NatGatewayMode = 'per-az' | 'single';",
    "export type ProxyAuthMode = 'end-to-end-iam' | 'iam-with-master-secret';",
    "export type StageProfile = 'development' | 'production';",
    '',
    '/** Sizes and protections of a stage: its profile\'s, with the overrides from .projenrc.ts applied. */',
    'export interface StageSettings {',
    ...Object.entries(STAGE_SETTING_TYPES).flatMap(([key, { type, doc }]) => [`  /** ${doc} */`, `  readonly ${key}: ${type};`]),
    '}',
    '',
    '/** One environment of the promotion chain, with everything derived. */',
    'export interface StageConfig {',
    '  /** Names the GitHub environment and suffixes every AWS name of the stage. */',
    '  readonly name: string;',
    "  /** 12-digit AWS account id; absent: the deploying credentials' account. */",
    '  readonly account?: string;',
    '  readonly region: string;',
    '  /** Exact Availability Zone names of the stage\'s region. */',
    '  readonly availabilityZones: readonly string[];',
    '  readonly profile: StageProfile;',
    '  /** CloudFormation stack of the stage\'s app: <stackName>-<stage>. */',
    '  readonly stackName: string;',
    '  readonly settings: StageSettings;',
    '}',
    '',
    '/** A Route 53 hosted zone, by id and name (no lookup at synth). */',
    'export interface HostedZoneConfig {',
    '  readonly id: string;',
    '  readonly name: string;',
    '}',
    '',
    'export interface StackConfig {',
    '  /** npm package name of this project. */',
    '  readonly projectName: string;',
    '  /** CloudFormation stack name derived from the project name. */',
    '  readonly stackName: string;',
    '  readonly region: string;',
    '  /** Exact Availability Zone names: the VPC spans these and no others. */',
    '  readonly availabilityZones: readonly string[];',
    '  /** The application database. */',
    '  readonly databaseName: string;',
    '  /** IAM-authenticated database users and their access levels. */',
    '  readonly databaseUsers: readonly DatabaseUserConfig[];',
    '  /** The user the service connects as (one of databaseUsers). */',
    '  readonly appUser: string;',
    '  /** App tasks may call the internet on HTTPS (through NAT gateways); otherwise VPC endpoints only and no NAT. */',
    '  readonly internetEgress: boolean;',
    "  /** IAM role or user ARNs trusted by each stage's operator role (db:connect); absent or empty: no operator role. */",
    '  readonly operators?: readonly string[];',
    '  /** NAT gateways in the production profile when internetEgress is on. */',
    '  readonly natGateways: NatGatewayMode;',
    '  readonly multiAz: boolean;',
    '  readonly proxyAuth: ProxyAuthMode;',
    '  /** OWNER/REPO trusted by the CI roles through GitHub OIDC. */',
    '  readonly githubRepository?: string;',
    '  /** The app\'s own DNS name, served by the front door (CloudFront) with its own certificate. */',
    '  readonly domainName?: string;',
    '  /** Subscribed to the alarms and database events (AWS sends a confirmation mail first). */',
    '  readonly alarmEmail?: string;',
    '  /** The stages in promotion order: each deploys its own copy of the app stack. */',
    '  readonly stages: readonly StageConfig[];',
    '  /** Hosted zone of domainName: certificate validation and alias records are made in it. */',
    '  readonly hostedZone?: HostedZoneConfig;',
    '}',
    '',
    `export const stackConfig: StackConfig = ${toTypeScriptLiteral(config)};`,
    '',
    '/** The profiles\' settings in this project (each stage\'s `settings` start from its profile\'s). */',
    `export const stageProfiles: Readonly<Record<StageProfile, StageSettings>> = ${toTypeScriptLiteral(
      Object.fromEntries(STAGE_PROFILES.map((profile) => [profile, profileSettings(profile, answers)])),
    )};`,
    '',
  ];
}

/** The TypeScript type and the doc comment of every stage setting, as the config module declares them. */
const STAGE_SETTING_TYPES: Record<keyof StageSettings, { type: string; doc: string }> = {
  instanceClass: { type: 'string', doc: 'DB instance class, e.g. db.m7g.large.' },
  multiAz: { type: 'boolean', doc: 'Standby in a second AZ with automatic failover.' },
  natGateways: { type: 'NatGatewayMode', doc: 'One NAT gateway per AZ, or a single one; made only when internetEgress is on.' },
  webApplicationFirewall: { type: 'boolean', doc: 'An AWS WAF web ACL in front of the app (managed rule groups, a per-client rate rule).' },
  minTasks: { type: 'number', doc: 'Fewest running service tasks once an image is deployed.' },
  maxTasks: { type: 'number', doc: 'Most tasks CPU-based auto scaling may run.' },
  deletionProtection: { type: 'boolean', doc: 'Deletion protection on the database and the load balancer.' },
  backupRetentionDays: { type: 'number', doc: 'Days of automated database backups.' },
};

/**
 * JSON in the generated project's lint style (so the file is lint-clean as rendered): keys bare
 * where possible, strings in single quotes, trailing commas on multi-line literals.
 */
function toTypeScriptLiteral(value: unknown): string {
  return JSON.stringify(value, undefined, 2)
    .replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, '$1:')
    .replace(/"((?:[^"\\]|\\.)*)"/g, (_match, body: string) => `'${body.replace(/\\"/g, '"').replace(/'/g, "\\'")}'`)
    .replace(/([^\s,[{])(?=\n\s*[\]}])/g, '$1,');
}
