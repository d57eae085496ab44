import validateNpmPackageName from 'validate-npm-package-name';
import { z } from 'zod';
import { isMysqlReservedWord } from './mysql-reserved-words.js';
import { AWS_REGIONS, isAwsRegion, REGION_NAMES } from './regions.js';
import { stackNameOf } from '../project/stack-name.js';

/**
 * The rule for every single answer. Each message states the rule, so that a rejection
 * (field + value + message) tells the user what to type instead.
 */

/**
 * What a database user may do in the application database (the bootstrap's planner holds the exact
 * grants of each): `admin` is for people (operators), never for the service.
 */
export const ACCESS_LEVELS = ['read-only', 'read-write', 'schema-owner', 'admin'] as const;

/** The level for operators: the application schema's DBA (DDL, DML, GRANT within it, PROCESS). */
export const ADMIN_ACCESS = 'admin' satisfies (typeof ACCESS_LEVELS)[number];

/** The levels operators may connect as: never the service's read-write or schema-owner users. */
export const OPERATOR_ACCESS: readonly (typeof ACCESS_LEVELS)[number][] = [ADMIN_ACCESS, 'read-only'];
export const NAT_GATEWAY_MODES = ['per-az', 'single'] as const;
export const PROXY_AUTH_MODES = ['end-to-end-iam', 'iam-with-master-secret'] as const;

/** The RDS master user this product creates; IAM users may not take its name. */
export const MASTER_USERNAME = 'admin';

/** Accounts that exist on RDS for MySQL or RDS Proxy and must never be managed by us. */
export const RESERVED_USERNAMES: readonly string[] = [
  'root',
  MASTER_USERNAME,
  'rdsadmin',
  'rdsproxyadmin',
  'rdsrepladmin',
  'rdstopmgr',
  'mysql.sys',
  'mysql.session',
  'mysql.infoschema',
];

export const MIN_AZ_COUNT = 2;

/** AWS's limit on a CloudFormation stack name. */
const CLOUDFORMATION_STACK_NAME_LIMIT = 128;
/** The longest suffix the generated app adds to the stack name (`src/naming.ts`'s `ciAccessStackName`). */
const CI_ACCESS_STACK_SUFFIX = '-ci-access';
/**
 * The longest stack name (the project name without its scope) that every name derived from it
 * fits: the CI-access stack's name is the tightest of them (ECS cluster and task family names
 * allow 255, ECR repositories 256, tag values 256).
 */
export const MAX_STACK_NAME_LENGTH = CLOUDFORMATION_STACK_NAME_LIMIT - CI_ACCESS_STACK_SUFFIX.length;

/** Schemas MySQL owns; the application database must be another. */
const SYSTEM_SCHEMAS: readonly string[] = ['mysql', 'sys', 'information_schema', 'performance_schema', 'rdsadmin', 'innodb', 'tmp'];

/** A text answer; `undefined` means it was never given. */
export const text = () => z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') });

const projectName = text().superRefine((value, ctx) => {
  const verdict = validateNpmPackageName(value);
  const problems = [...(verdict.errors ?? []), ...(verdict.warnings ?? [])];
  if (problems.length > 0) {
    ctx.addIssue({ code: 'custom', message: `must be a valid npm package name (${problems[0]})` });
    return;
  }
  const unscoped = value.replace(/^@[^/]+\//, '');
  if (!/^[a-z][a-z0-9._-]*$/.test(unscoped)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must start with a letter (after any @scope/) because it also names the CloudFormation stack',
    });
    return;
  }
  const stackName = stackNameOf(value);
  if (stackName.length > MAX_STACK_NAME_LENGTH) {
    ctx.addIssue({
      code: 'custom',
      message:
        `must be at most ${MAX_STACK_NAME_LENGTH} characters after any @scope/ (it has ${stackName.length}): it names the ` +
        `CloudFormation stacks, which AWS limits to ${CLOUDFORMATION_STACK_NAME_LIMIT} characters, and the CI-access stack adds "${CI_ACCESS_STACK_SUFFIX}"`,
    });
  }
});

export const region = text().refine(isAwsRegion, {
  message: `must be an AWS commercial region: ${REGION_NAMES.join(', ')}`,
});

const azCount = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z.number({ error: 'must be a whole number' }).int('must be a whole number').min(MIN_AZ_COUNT, {
    message: `must be at least ${MIN_AZ_COUNT}: RDS needs subnets in two Availability Zones`,
  }),
);

const databaseName = text()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, {
    message: 'must be 1-64 characters: a letter first, then letters, digits or underscores',
  })
  .refine((value) => !isMysqlReservedWord(value), { message: 'must not be a MySQL reserved word' })
  .refine((value) => !SYSTEM_SCHEMAS.includes(value.toLowerCase()), {
    message: `must not be a MySQL system schema (${SYSTEM_SCHEMAS.join(', ')})`,
  });

const userName = text()
  .refine((value) => !isReservedUsername(value), {
    message: `must not be a reserved account (${RESERVED_USERNAMES.join(', ')}, mysql.*)`,
  })
  .pipe(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, {
      message: 'must be 1-32 characters: a letter first, then letters, digits or underscores',
    }),
  );

const accessLevel = z.enum(ACCESS_LEVELS, { error: `must be one of ${ACCESS_LEVELS.join(', ')}` });

/** `name:access` as typed on the command line or at the prompt. */
function parseUserSpec(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const separator = value.lastIndexOf(':');
  if (separator < 0) return value;
  return { name: value.slice(0, separator).trim(), access: value.slice(separator + 1).trim() };
}

const databaseUser = z.preprocess(
  parseUserSpec,
  z.object(
    { name: userName, access: accessLevel },
    { error: 'must be NAME:ACCESS, e.g. app:read-write' },
  ),
);

const databaseUsers = z.preprocess(
  (value) => (typeof value === 'string' ? splitList(value) : value),
  z
    .array(databaseUser, { error: 'must be a list of NAME:ACCESS entries' })
    .min(1, { message: 'must name at least one user (NAME:ACCESS)' }),
);

export const natGateways = z.enum(NAT_GATEWAY_MODES, { error: `must be one of ${NAT_GATEWAY_MODES.join(', ')}` });
const proxyAuth = z.enum(PROXY_AUTH_MODES, { error: `must be one of ${PROXY_AUTH_MODES.join(', ')}` });

export const yesNo = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const word = value.trim().toLowerCase();
    if (['true', 'yes', 'y', '1', 'on'].includes(word)) return true;
    if (['false', 'no', 'n', '0', 'off'].includes(word)) return false;
    return value;
  },
  z.boolean({ error: 'must be true or false' }),
);

/** An empty text answer to an optional question means "none". */
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

const githubRepository = text().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, {
  message: 'must be OWNER/REPO as on GitHub, e.g. acme/payments-db',
});

const domainName = text()
  .max(253, { message: 'must be at most 253 characters' })
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, {
    message: 'must be a lower-case DNS name with at least two labels, e.g. db.example.com',
  });

// Deliberately plain (one @, no spaces, a dotted domain): SNS and the mail server have the last word.
const alarmEmail = text()
  .max(254, { message: 'must be at most 254 characters' })
  .regex(/^[^\s@]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/, {
    message: 'must be an e-mail address such as oncall@example.com',
  });

/** A Route 53 hosted zone id, e.g. `Z0123456789ABCDEFGHIJ` (the id is given, so synth needs no lookup). */
const hostedZone = text().regex(/^Z[0-9A-Z]{1,32}$/, {
  message: 'must be a Route 53 hosted zone id: Z followed by upper-case letters and digits, e.g. Z0123456789ABCDEFGHIJ',
});

/** A hosted zone's name: like a domain name, but a zone may also be a top-level label's child only. */
const hostedZoneName = text()
  .max(253, { message: 'must be at most 253 characters' })
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, {
    message: 'must be a lower-case DNS name with at least two labels, e.g. example.com',
  });

/**
 * An IAM role or user ARN, as an IAM trust policy names a principal: e.g. an IAM Identity Center
 * permission set's role (`arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DBA_0123abcd`).
 * Account roots, wildcards and assumed-role session ARNs are refused: each operator is one principal.
 * The path and name character sets are IAM's (paths: printable ASCII; names: letters, digits, `+=,.@_-`).
 */
const IAM_PRINCIPAL_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:(?:role|user)\/(?:[\x21-\x2e\x30-\x7e]+\/)*[A-Za-z0-9+=,.@_-]{1,64}$/;

const operatorArn = text()
  .max(2048, { message: 'must be at most 2048 characters' })
  .regex(IAM_PRINCIPAL_ARN, {
    message:
      'must be an IAM role or user ARN, e.g. arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DBA_0123abcd ' +
      '(no account root, wildcard or assumed-role session)',
  });

/** Operators as typed (comma or space separated) or as a list; none is a valid answer. */
const operators = z.preprocess(
  (value) => (typeof value === 'string' ? splitList(value) : value),
  z.array(operatorArn, { error: 'must be a list of IAM role or user ARNs' }),
);

/** Rules of the single answers, keyed like the answers themselves. */
export const FIELD_RULES = {
  name: projectName,
  region,
  azCount,
  databaseName,
  databaseUsers,
  appUser: userName,
  natGateways,
  multiAz: yesNo,
  proxyAuth,
  githubRepository: optional(githubRepository),
  domainName: optional(domainName),
  alarmEmail: optional(alarmEmail),
  hostedZone: optional(hostedZone),
  hostedZoneName: optional(hostedZoneName),
  internetEgress: yesNo,
  operators,
} as const;

/**
 * The hosted zone a domain name lives in when no zone name is given: its parent
 * (`app.example.com` → `example.com`), or the name itself when it has only two labels.
 */
export function defaultHostedZoneName(name: string): string {
  const labels = name.split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : name;
}

/** Whether `name` is `zoneName` or a name inside it. */
export function isInZone(name: string, zoneName: string): boolean {
  return name === zoneName || name.endsWith(`.${zoneName}`);
}

function isReservedUsername(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_USERNAMES.includes(lower) || lower.startsWith('mysql.');
}

export function maxAzCount(regionName: string): number | undefined {
  return isAwsRegion(regionName) ? AWS_REGIONS[regionName].zones.length : undefined;
}

/** Splits `a:read-only, b:read-write` (commas or spaces) into its entries. */
export function splitList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}
