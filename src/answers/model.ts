import { z } from 'zod';
import { displayValue } from './display-value.js';
import { QUESTIONS } from './questions.js';
import { availabilityZonesOf, isAwsRegion } from './regions.js';
import { ACCESS_LEVELS, ADMIN_ACCESS, OPERATOR_ACCESS, FIELD_RULES as SINGLE_FIELD_RULES, isInZone, maxAzCount, NAT_GATEWAY_MODES, PROXY_AUTH_MODES } from './rules.js';
import { resolveStages, stageProblems, stagesRule, type ResolvedStage, type StageAnswer } from './stages.js';
import { stackNameOf } from '../project/stack-name.js';

export type AccessLevel = (typeof ACCESS_LEVELS)[number];
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];
export type ProxyAuthMode = (typeof PROXY_AUTH_MODES)[number];

/** A MySQL user that authenticates with IAM, and what it may do in the application database. */
export interface DatabaseUser {
  /** MySQL user name. */
  readonly name: string;
  /**
   * `read-only` (SELECT), `read-write` (+ INSERT, UPDATE, DELETE), `schema-owner` (+ migrations' DDL)
   * or `admin` (an operator's: + stored code, GRANT within the schema, PROCESS).
   */
  readonly access: AccessLevel;
}

/** Everything the generator asks; the same shape is the project type's configuration. */
export interface StackAnswers {
  /** npm package name of the generated project; its unscoped part names the CloudFormation stack. */
  readonly name: string;
  /** AWS commercial region to deploy to. */
  readonly region: string;
  /** How many Availability Zones the VPC spans (2 up to what the region has). */
  readonly azCount: number;
  /** The application database. */
  readonly databaseName: string;
  /** The IAM-authenticated database users and their access levels. */
  readonly databaseUsers: readonly DatabaseUser[];
  /** The user (one of `databaseUsers`) that the service connects as. */
  readonly appUser: string;
  /** One NAT gateway per Availability Zone, or a single one to save cost. */
  readonly natGateways: NatGatewayMode;
  /** Run the database as a Multi-AZ deployment. */
  readonly multiAz: boolean;
  /** How RDS Proxy authenticates to the database. */
  readonly proxyAuth: ProxyAuthMode;
  /** `OWNER/REPO` that the CI roles trust through GitHub OIDC. */
  readonly githubRepository?: string;
  /** The app's own DNS name: the front door (CloudFront) serves it with its own certificate. */
  readonly domainName?: string;
  /** The stages in promotion order (`dev` then `prod` unless configured). */
  readonly stages: readonly StageAnswer[];
  /** An e-mail address subscribed to the alarms and database events. */
  readonly alarmEmail?: string;
  /**
   * Route 53 hosted zone id of `domainName`'s zone: the certificates are validated and the alias
   * record is made in it. Without it the stack outputs the records to create by hand.
   */
  readonly hostedZone?: string;
  /** Name of the hosted zone `hostedZone` (default: `domainName`'s parent). */
  readonly hostedZoneName?: string;
  /**
   * Let the app tasks reach the internet on HTTPS (through NAT gateways), for apps that call external
   * services. Off: they reach only RDS Proxy and AWS APIs through VPC endpoints, and no NAT gateway is made.
   */
  readonly internetEgress: boolean;
  /**
   * IAM principals (role or user ARNs, e.g. an IAM Identity Center permission set's role) that may
   * assume each stage's operator role: connect to the database as the admin and read-only users
   * through an SSM tunnel (`npx projen db:connect`). None: no operator role.
   */
  readonly operators: readonly string[];
}

/** Every answer's own rule: the single-field rules and the stages. */
const FIELD_RULES = { ...SINGLE_FIELD_RULES, stages: stagesRule } as const;

export type AnswerKey = keyof StackAnswers;

const answersSchema = z.object(FIELD_RULES).superRefine((answers, ctx) => {
  const zones = maxAzCount(answers.region);
  if (zones !== undefined && answers.azCount > zones) {
    ctx.addIssue({
      code: 'custom',
      path: ['azCount'],
      input: answers.azCount,
      message: `must be at most ${zones}: ${answers.region} has ${zones} Availability Zones`,
    });
  }
  for (const problem of stageProblems(answers.stages, stageContextOf(answers))) {
    ctx.addIssue({ code: 'custom', path: ['stages', ...problem.path], input: problem.input, message: problem.message });
  }
  const seen = new Set<string>();
  answers.databaseUsers.forEach((user, index) => {
    // MySQL compares user names case-sensitively, but two names differing only in case are a typo.
    const key = user.name.toLowerCase();
    if (seen.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['databaseUsers', index, 'name'],
        input: user.name,
        message: 'must be unique among the database users',
      });
    }
    seen.add(key);
  });
  if (answers.hostedZone !== undefined && answers.domainName === undefined) {
    ctx.addIssue({ code: 'custom', path: ['hostedZone'], input: answers.hostedZone, message: 'needs a domain name (--domain) to make records for' });
  }
  if (answers.hostedZoneName !== undefined) {
    if (answers.hostedZone === undefined) {
      ctx.addIssue({ code: 'custom', path: ['hostedZoneName'], input: answers.hostedZoneName, message: 'needs the hosted zone id (--hosted-zone)' });
    } else if (answers.domainName !== undefined && !isInZone(answers.domainName, answers.hostedZoneName)) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostedZoneName'],
        input: answers.hostedZoneName,
        message: `must be the zone the domain name ${answers.domainName} is in (that name or one of its parents)`,
      });
    }
  }
  const seenOperators = new Set<string>();
  answers.operators.forEach((arn, index) => {
    if (seenOperators.has(arn)) {
      ctx.addIssue({ code: 'custom', path: ['operators', index], input: arn, message: 'must be unique among the operators' });
    }
    seenOperators.add(arn);
  });
  if (answers.operators.length > 0 && !answers.databaseUsers.some((user) => OPERATOR_ACCESS.includes(user.access))) {
    ctx.addIssue({
      code: 'custom',
      path: ['operators'],
      input: answers.operators,
      message: `need a database user to connect as: add one with access ${OPERATOR_ACCESS.join(' or ')} (e.g. --user dba:admin)`,
    });
  }
  const appUser = answers.databaseUsers.find((user) => user.name === answers.appUser);
  if (!appUser) {
    ctx.addIssue({
      code: 'custom',
      path: ['appUser'],
      input: answers.appUser,
      message: `must be one of the database users (${answers.databaseUsers.map((u) => u.name).join(', ')})`,
    });
  } else if (appUser.access === ADMIN_ACCESS) {
    ctx.addIssue({
      code: 'custom',
      path: ['appUser'],
      input: answers.appUser,
      message: `must not be an ${ADMIN_ACCESS} user: the service must never hand out privileges (give it read-write or schema-owner)`,
    });
  }
});

/** One rejected answer: which field, what was given, and the rule it broke. */
export interface AnswerProblem {
  readonly key: AnswerKey;
  /** Human name of the field, e.g. `database user #2 name`. */
  readonly field: string;
  /** Where the value is in the answers object, e.g. `['databaseUsers', 1, 'name']`. */
  readonly path: readonly PropertyKey[];
  readonly value: unknown;
  readonly rule: string;
}

export class AnswersError extends Error {
  constructor(readonly problems: readonly AnswerProblem[]) {
    super(['Invalid answers:', ...problems.map((problem) => `  - ${describeProblem(problem)}`)].join('\n'));
    this.name = 'AnswersError';
  }
}

export function describeProblem(problem: AnswerProblem): string {
  return `${problem.field} ${displayValue(problem.value)} ${problem.rule}`;
}

/** Where each answer came from when not from its flag, e.g. `in answers file "a.json"`; blamed in messages. */
export type AnswerOrigins = Readonly<Record<string, string>>;

function fieldOf(path: readonly PropertyKey[], origins?: AnswerOrigins): string {
  const [key, index, part] = path;
  const origin = origins?.[String(key)];
  if (key === 'databaseUsers' && typeof index === 'number') {
    return `database user #${index + 1}${part ? ` ${String(part)}` : ''} (${origin ?? '--user'})`;
  }
  if (key === 'stages' && typeof index === 'number') {
    return `stage #${index + 1}${part ? ` ${String(part)}` : ''} (--stage)`;
  }
  if (key === 'operators' && typeof index === 'number') {
    return `operator #${index + 1} (${origin ?? '--operator'})`;
  }
  const question = QUESTIONS.find((q) => q.key === key);
  return question ? `${question.label} (${origin ?? `--${question.flag}`})` : String(key);
}

function toProblem(
  path: readonly PropertyKey[],
  issue: z.core.$ZodIssue,
  raw: unknown,
  rawIsField: boolean,
  origins?: AnswerOrigins,
): AnswerProblem {
  const reported = 'input' in issue ? issue.input : undefined;
  return {
    key: path[0] as AnswerKey,
    field: fieldOf(path, origins),
    path,
    value: reported !== undefined ? reported : valueAt(raw, rawIsField ? path.slice(1) : path),
    rule: issue.message,
  };
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return value;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/**
 * Validates raw answers (strings from flags and prompts, JSON from files) and returns typed ones.
 * Every rule is checked; all problems are reported together.
 */
export function parseAnswers(raw: Record<string, unknown>, origins?: AnswerOrigins): StackAnswers {
  const unknownKeys = Object.keys(raw).filter((key) => !isAnswerKey(key));
  const result = answersSchema.safeParse(raw, { reportInput: true });
  const problems = unknownKeys.map((key) => unknownAnswer(key, raw[key], origins?.[key]));
  if (!result.success) problems.push(...result.error.issues.map((issue) => toProblem(issue.path, issue, raw, false, origins)));
  if (problems.length > 0) throw new AnswersError(problems);
  return stripUndefined(result.data!) as StackAnswers;
}

/** Validates one answer by its own rule (no cross-field rules) and returns it typed. */
export function parseAnswer<K extends AnswerKey>(key: K, raw: unknown, origin?: string): StackAnswers[K] {
  // Keys come from outside data too: `__proto__` or `constructor` must not reach an object's prototype.
  if (!isAnswerKey(key)) throw new AnswersError([unknownAnswer(key, raw, origin)]);
  const rule = (FIELD_RULES as Record<string, z.ZodType>)[key]!;
  const result = rule.safeParse(raw, { reportInput: true });
  if (result.success) return result.data as StackAnswers[K];
  const origins = origin ? { [key]: origin } : undefined;
  throw new AnswersError(result.error.issues.map((issue) => toProblem([key, ...issue.path], issue, raw, true, origins)));
}

function isAnswerKey(key: string): key is AnswerKey {
  return Object.hasOwn(FIELD_RULES, key);
}

function unknownAnswer(key: string, value: unknown, origin?: string): AnswerProblem {
  return {
    key: key as AnswerKey,
    field: `answer ${displayValue(key)}${origin ? ` (${origin})` : ''}`,
    path: [key],
    value,
    rule: `is not a known answer (known: ${Object.keys(FIELD_RULES).join(', ')})`,
  };
}

/** Checks one answer in the context of the others, for inline validation at a prompt. */
export function checkAnswer(key: AnswerKey, value: unknown, context: Record<string, unknown>): true | string {
  try {
    parseAnswers({ ...context, [key]: value });
    return true;
  } catch (error) {
    if (!(error instanceof AnswersError)) throw error;
    const own = error.problems.filter((problem) => problem.key === key);
    return own.length === 0 ? true : own.map(describeProblem).join('; ');
  }
}

/** The Availability Zone names the answers select, in order. */
export function selectedAvailabilityZones(answers: Pick<StackAnswers, 'region' | 'azCount'>): string[] {
  if (!isAwsRegion(answers.region)) throw new Error(`Unknown region ${answers.region}`);
  return availabilityZonesOf(answers.region).slice(0, answers.azCount);
}

/** The stages with everything derived (region, zones, stack name, settings), in promotion order. */
export function stagesOf(answers: StackAnswers): ResolvedStage[] {
  return resolveStages(answers.stages, stageContextOf(answers));
}

function stageContextOf(answers: Pick<StackAnswers, 'name' | 'region' | 'azCount' | 'natGateways' | 'multiAz'>) {
  return {
    stackName: stackNameOf(answers.name),
    region: answers.region,
    azCount: answers.azCount,
    natGateways: answers.natGateways,
    multiAz: answers.multiAz,
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
