import type { AnswerKey, DatabaseUser, StackAnswers } from './model.js';
import { REGION_NAMES, AWS_REGIONS, type AwsRegion } from './regions.js';
import { ACCESS_LEVELS, ADMIN_ACCESS, OPERATOR_ACCESS, FIELD_RULES, MIN_AZ_COUNT, NAT_GATEWAY_MODES, PROXY_AUTH_MODES, maxAzCount } from './rules.js';
import { DEFAULT_STAGES, stageSpec, type StageAnswer } from './stages.js';

/** How a question is typed at the command line. */
export type FlagKind = 'string' | 'repeatable' | 'boolean';

export interface Question<K extends AnswerKey = AnswerKey> {
  readonly key: K;
  /** Long flag without dashes, e.g. `db-name`. */
  readonly flag: string;
  readonly flagKind: FlagKind;
  /** Placeholder in `--help`, e.g. `NAME:ACCESS`. */
  readonly placeholder?: string;
  /** Short human name used in messages. */
  readonly label: string;
  /** One line for `--help` and the prompt. */
  readonly description: string;
  /** Whether a run without this answer is complete (optional questions). */
  readonly optional: boolean;
  /** Fixed choices, offered as a list at the prompt. */
  readonly choices?: (answers: Partial<StackAnswers>) => readonly { name: string; value: string }[];
  /** The default, given the answers before it; `undefined` when there is none. */
  readonly defaultValue: (answers: Partial<StackAnswers>, context: DefaultContext) => StackAnswers[K] | undefined;
  /** Asked only when this holds (e.g. the app user only when there are several users). */
  readonly askWhen?: (answers: Partial<StackAnswers>) => boolean;
}

export interface DefaultContext {
  /** The target directory's name, the natural default for the project name. */
  readonly directoryName?: string;
}

const DEFAULT_PROJECT_NAME = 'my-rds-iam-stack';
const DEFAULT_REGION: AwsRegion = 'us-east-1';
// The service runs as a read-write user; schema migrations run as a separate schema owner.
const DEFAULT_USERS: readonly DatabaseUser[] = [
  { name: 'app', access: 'read-write' },
  { name: 'app_migrator', access: 'schema-owner' },
];

function question<K extends AnswerKey>(definition: Question<K>): Question<K> {
  return definition;
}

/** Every question, in the order it is asked. The rules live in `rules.ts`; this is how each is asked. */
export const QUESTIONS = [
  question({
    key: 'name',
    flag: 'name',
    flagKind: 'string',
    placeholder: 'NAME',
    label: 'project name',
    description: 'npm package name of the new project (default: the directory name)',
    optional: false,
    defaultValue: (_answers, { directoryName }) =>
      directoryName && FIELD_RULES.name.safeParse(directoryName).success ? directoryName : DEFAULT_PROJECT_NAME,
  }),
  question({
    key: 'region',
    flag: 'region',
    flagKind: 'string',
    placeholder: 'REGION',
    label: 'region',
    description: `AWS region to deploy to (default: ${DEFAULT_REGION})`,
    optional: false,
    choices: () =>
      REGION_NAMES.map((name) => ({ name: `${name} — ${AWS_REGIONS[name].location}`, value: name })),
    defaultValue: () => DEFAULT_REGION,
  }),
  question({
    key: 'azCount',
    flag: 'az-count',
    flagKind: 'string',
    placeholder: 'N',
    label: 'Availability Zone count',
    description: `Availability Zones to span, ${MIN_AZ_COUNT} up to what the region has (default: 2)`,
    optional: false,
    choices: ({ region }) => {
      const most = maxAzCount(region ?? DEFAULT_REGION) ?? MIN_AZ_COUNT;
      return Array.from({ length: most - MIN_AZ_COUNT + 1 }, (_, i) => {
        const count = String(MIN_AZ_COUNT + i);
        return { name: count, value: count };
      });
    },
    defaultValue: () => 2,
  }),
  question({
    key: 'databaseName',
    flag: 'db-name',
    flagKind: 'string',
    placeholder: 'NAME',
    label: 'database name',
    description: 'name of the application database (default: app)',
    optional: false,
    defaultValue: () => 'app',
  }),
  question({
    key: 'databaseUsers',
    flag: 'user',
    flagKind: 'repeatable',
    placeholder: 'NAME:ACCESS',
    label: 'database users',
    description: `IAM-authenticated database user, repeatable; ACCESS is ${ACCESS_LEVELS.join(' | ')} (default: app:read-write and app_migrator:schema-owner)`,
    optional: false,
    defaultValue: () => DEFAULT_USERS,
  }),
  question({
    key: 'appUser',
    flag: 'app-user',
    flagKind: 'string',
    placeholder: 'NAME',
    label: 'app user',
    description: `the database user the service connects as (default: the first user that is not ${ADMIN_ACCESS})`,
    optional: false,
    choices: ({ databaseUsers }) =>
      serviceUsers(databaseUsers).map((user) => ({ name: `${user.name} (${user.access})`, value: user.name })),
    askWhen: ({ databaseUsers }) => databaseUsers !== undefined && serviceUsers(databaseUsers).length > 1,
    defaultValue: ({ databaseUsers }) => userNameOf(serviceUsers(databaseUsers)[0] ?? databaseUsers?.[0]),
  }),
  question({
    key: 'internetEgress',
    flag: 'internet-egress',
    flagKind: 'boolean',
    label: 'internet egress',
    description: 'let the app tasks call the internet on HTTPS through NAT gateways; off: VPC endpoints only, no NAT (default: off)',
    // A run without it is complete: off is the secure default.
    optional: true,
    defaultValue: () => false,
  }),
  question({
    key: 'natGateways',
    flag: 'nat-gateways',
    flagKind: 'string',
    placeholder: NAT_GATEWAY_MODES.join('|'),
    label: 'NAT gateways',
    description: 'with internet egress: NAT gateways of the production stages, one per AZ (zone-independent egress) or a single one (cost) (default: per-az)',
    optional: false,
    choices: () => [
      { name: 'per-az — one per Availability Zone, egress survives a zone outage', value: 'per-az' },
      { name: 'single — one for the VPC, cheaper, egress depends on one zone', value: 'single' },
    ],
    // NAT gateways exist only for internet egress.
    askWhen: ({ internetEgress }) => internetEgress === true,
    defaultValue: () => 'per-az' as const,
  }),
  question({
    key: 'multiAz',
    flag: 'multi-az',
    flagKind: 'boolean',
    label: 'Multi-AZ',
    description: 'run the production stages\' database Multi-AZ (default: on)',
    optional: false,
    defaultValue: () => true,
  }),
  question({
    key: 'proxyAuth',
    flag: 'proxy-auth',
    flagKind: 'string',
    placeholder: PROXY_AUTH_MODES.join('|'),
    label: 'proxy authentication',
    description: 'how RDS Proxy authenticates to the database (default: end-to-end-iam)',
    optional: false,
    choices: () => [
      { name: 'end-to-end-iam — IAM from client to proxy to database, no secret', value: 'end-to-end-iam' },
      {
        name: 'iam-with-master-secret — clients use IAM, the proxy links the RDS-managed master secret',
        value: 'iam-with-master-secret',
      },
    ],
    defaultValue: () => 'end-to-end-iam' as const,
  }),
  question({
    key: 'stages',
    flag: 'stage',
    flagKind: 'repeatable',
    placeholder: 'NAME[:ACCOUNT[:REGION]]',
    label: 'stages',
    description:
      'deployment stage, repeatable, in promotion order; the last is production, the others development (default: dev and prod, same account)',
    // The default chain is what most teams want; other chains come as flags, an answers file or .projenrc.ts.
    optional: true,
    defaultValue: () => DEFAULT_STAGES,
  }),
  question({
    key: 'githubRepository',
    flag: 'github-repo',
    flagKind: 'string',
    placeholder: 'OWNER/REPO',
    label: 'GitHub repository',
    description: 'GitHub repository the CI roles trust through OIDC (optional)',
    optional: true,
    defaultValue: () => undefined,
  }),
  question({
    key: 'domainName',
    flag: 'domain',
    flagKind: 'string',
    placeholder: 'DOMAIN',
    label: 'domain name',
    description: 'the app\'s own DNS name, served by the front door with its own certificate (optional; without it: the *.cloudfront.net name)',
    optional: true,
    defaultValue: () => undefined,
  }),
  question({
    key: 'alarmEmail',
    flag: 'alarm-email',
    flagKind: 'string',
    placeholder: 'EMAIL',
    label: 'alarm e-mail',
    description: 'e-mail address subscribed to the alarms and database events (optional)',
    optional: true,
    defaultValue: () => undefined,
  }),
  question({
    key: 'hostedZone',
    flag: 'hosted-zone',
    flagKind: 'string',
    placeholder: 'ZONE_ID',
    label: 'hosted zone',
    description: 'Route 53 hosted zone id of the domain: certificate validation and alias records made for you (optional)',
    optional: true,
    askWhen: ({ domainName }) => domainName !== undefined,
    defaultValue: () => undefined,
  }),
  question({
    key: 'hostedZoneName',
    flag: 'hosted-zone-name',
    flagKind: 'string',
    placeholder: 'ZONE',
    label: 'hosted zone name',
    description: 'name of the hosted zone (default: the domain\'s parent)',
    optional: true,
    askWhen: ({ hostedZone }) => hostedZone !== undefined,
    defaultValue: () => undefined,
  }),
  question({
    key: 'operators',
    flag: 'operator',
    flagKind: 'repeatable',
    placeholder: 'ARN',
    label: 'operators',
    description:
      `IAM role or user ARN that may connect to the database as the ${OPERATOR_ACCESS.join(' and ')} users through each stage's operator role (npx projen db:connect), repeatable (optional; default: none)`,
    optional: true,
    defaultValue: () => [],
  }),
] as const satisfies readonly Question[];

/** The users the service may run as (an admin user is for operators only). */
function serviceUsers(databaseUsers: readonly DatabaseUser[] | undefined): readonly DatabaseUser[] {
  return (databaseUsers ?? DEFAULT_USERS).filter((user) => accessOf(user) !== ADMIN_ACCESS);
}

/** The access level of a user given either typed or as `NAME:ACCESS` text. */
function accessOf(entry: DatabaseUser | string): string | undefined {
  return typeof entry === 'string' ? entry.split(':')[1]?.trim() : entry.access;
}

/** The name of a user given either typed or as `NAME:ACCESS` text. */
function userNameOf(entry: DatabaseUser | string | undefined): string | undefined {
  if (typeof entry === 'string') return entry.split(':')[0]?.trim() || undefined;
  return entry?.name;
}

/** An answer as text for a prompt's default: users as `NAME:ACCESS`, stages as `NAME[:ACCOUNT[:REGION]]`, operators as ARNs. */
export function formatAnswer(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return String(value);
  return value
    .map((entry: DatabaseUser | StageAnswer | string) =>
      typeof entry === 'string' ? entry : 'access' in entry ? `${entry.name}:${entry.access}` : stageSpec(entry))
    .join(', ');
}

/** Fills every unanswered question with its default, in question order. */
export function withDefaults(given: Record<string, unknown>, context: DefaultContext = {}): Record<string, unknown> {
  const answers: Record<string, unknown> = { ...given };
  for (const q of QUESTIONS as readonly Question[]) {
    if (answers[q.key] === undefined) {
      const value = q.defaultValue(answers as Partial<StackAnswers>, context);
      if (value !== undefined) answers[q.key] = value;
    }
  }
  return answers;
}

/** The required questions still unanswered. */
export function missingAnswers(given: Record<string, unknown>): Question[] {
  return (QUESTIONS as readonly Question[]).filter(
    (q) => !q.optional && given[q.key] === undefined && (q.askWhen?.(given as Partial<StackAnswers>) ?? true),
  );
}

/** A run that may not prompt lacks answers: names each missing flag. */
export class MissingAnswersError extends Error {
  constructor(readonly missing: readonly Question[]) {
    super(
      [
        'Missing answers (not asking: no interactive terminal, or CI is set):',
        ...missing.map((q) => `  --${q.flag}${q.placeholder ? ` ${q.placeholder}` : ''}  ${q.description}`),
        'Pass them as flags or in --answers FILE, or add --yes to take the defaults.',
      ].join('\n'),
    );
    this.name = 'MissingAnswersError';
  }
}
