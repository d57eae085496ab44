import { FileBase, type Project } from 'projen';
import { stackNameOf } from './stack-name.js';
import { defaultHostedZoneName, selectedAvailabilityZones, type StackAnswers } from '../answers/index.js';

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
    natGateways: answers.natGateways,
    multiAz: answers.multiAz,
    proxyAuth: answers.proxyAuth,
    ...(answers.githubRepository ? { githubRepository: answers.githubRepository } : {}),
    ...(answers.domainName ? { domainName: answers.domainName } : {}),
    ...(answers.alarmEmail ? { alarmEmail: answers.alarmEmail } : {}),
    ...(answers.domainName && answers.hostedZone
      ? { hostedZone: { id: answers.hostedZone, name: answers.hostedZoneName ?? defaultHostedZoneName(answers.domainName) } }
      : {}),
  };
  return [
    '/** What a database user may do in the application database. */',
    "export type AccessLevel = 'read-only' | 'read-write' | 'schema-owner';",
    '',
    'export interface DatabaseUserConfig {',
    '  /** MySQL user name; it authenticates with IAM only. */',
    '  readonly name: string;',
    '  readonly access: AccessLevel;',
    '}',
    '',
    "export type NatGatewayMode = 'per-az' | 'single';",
    "export type ProxyAuthMode = 'end-to-end-iam' | 'iam-with-master-secret';",
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
    '  /** Hosted zone of domainName: certificate validation and alias records are made in it. */',
    '  readonly hostedZone?: HostedZoneConfig;',
    '}',
    '',
    `export const stackConfig: StackConfig = ${toTypeScriptLiteral(config)};`,
    '',
  ];
}

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
