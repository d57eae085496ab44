/**
 * Pure planner: (previous users, desired users, live state) -> SQL statements.
 *
 * No I/O here. Every statement is built with mysql2's `format` (`??` for identifiers, `?` for values)
 * from validated identifiers and constant SQL fragments; nothing from the configuration is ever
 * concatenated into SQL.
 */
import mysql from 'mysql2';
import { validateAccessLevel, validateDatabaseName, validatePamService, validateUserName, InvalidIdentifierError } from './validation.js';
import type { AccessLevel } from '../../stack-config.js';

/** A database user as configured (the custom resource's `Users` property). */
export interface DesiredUser {
  readonly name: string;
  readonly access: AccessLevel;
}

/**
 * How the users authenticate. `aws-iam` is what RDS for MySQL understands
 * (`IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'`); `pam` is the local stand-in that lets
 * MariaDB in tests drive the same `mysql_clear_password` client path (see DESIGN.md).
 */
export type AuthenticationMethod = { readonly kind: 'aws-iam' } | { readonly kind: 'pam'; readonly service: string };

/**
 * Every database-level privilege this planner may revoke, as MySQL/MariaDB spell them in GRANT and
 * information_schema. Anything a live server reports outside this list is never put into SQL; it is
 * reported as `unmanagedPrivileges` instead.
 */
export const KNOWN_DATABASE_PRIVILEGES = [
  'SELECT', 'INSERT', 'UPDATE', 'DELETE',
  'CREATE', 'ALTER', 'DROP', 'INDEX', 'REFERENCES',
  'CREATE VIEW', 'SHOW VIEW', 'TRIGGER',
  'CREATE TEMPORARY TABLES', 'LOCK TABLES', 'EXECUTE', 'CREATE ROUTINE', 'ALTER ROUTINE',
  'EVENT', 'DELETE HISTORY',
] as const;

/** Database-level privilege names (one of KNOWN_DATABASE_PRIVILEGES). */
export type DatabasePrivilege = (typeof KNOWN_DATABASE_PRIVILEGES)[number];

const READ_ONLY: readonly DatabasePrivilege[] = ['SELECT'];
const READ_WRITE: readonly DatabasePrivilege[] = [...READ_ONLY, 'INSERT', 'UPDATE', 'DELETE'];
/**
 * Schema owner = read-write + what schema migration tools (Prisma, Drizzle, Knex, Flyway, ...) issue
 * for tables, indexes, foreign keys, views and triggers. Deliberately NOT granted:
 * - CREATE/ALTER ROUTINE, EXECUTE, EVENT: stored code runs with definer rights and, on RDS with binary
 *   logging, needs log_bin_trust_function_creators; add them by hand if the team really uses them.
 * - LOCK TABLES, CREATE TEMPORARY TABLES: dump/ETL tooling, not migrations.
 * - GRANT OPTION and anything global (*.*): an app account must never hand out privileges or
 *   create other databases (e.g. Prisma's shadow database belongs in a dev environment).
 * DROP at database level also allows DROP DATABASE of the application schema: accepted, a schema
 * owner can already drop every table in it.
 */
const SCHEMA_OWNER: readonly DatabasePrivilege[] = [
  ...READ_WRITE,
  'CREATE', 'ALTER', 'DROP', 'INDEX', 'REFERENCES', 'CREATE VIEW', 'SHOW VIEW', 'TRIGGER',
];

export const PRIVILEGES_BY_ACCESS: Readonly<Record<AccessLevel, readonly DatabasePrivilege[]>> = {
  'read-only': READ_ONLY,
  'read-write': READ_WRITE,
  'schema-owner': SCHEMA_OWNER,
};

/** What the server currently holds for one account `'name'@ACCOUNT_HOST` (read by live-state.ts). */
export interface LiveUser {
  readonly name: string;
  /** Authentication plugin, e.g. `AWSAuthenticationPlugin` or `pam`. */
  readonly plugin: string;
  /** Plugin argument, e.g. `RDS` or the PAM service name. */
  readonly authenticationString: string;
  /** `ssl_type` is ANY (REQUIRE SSL), X509 or SPECIFIED. */
  readonly requiresSsl: boolean;
  /** Privileges on the application database (raw names from information_schema). */
  readonly privileges: readonly string[];
  /** Whether the account holds GRANT OPTION on the application database. */
  readonly grantOption: boolean;
}

/** Host part of every managed account: connections arrive from RDS Proxy / VPC addresses. */
export const ACCOUNT_HOST = '%';

export interface PlanOptions {
  /** The application database; grants are made on this schema only. */
  readonly databaseName: string;
  readonly authentication: AuthenticationMethod;
  /**
   * Live server state for the users in `previous` and `desired`. When given, the plan reconciles
   * against it (drift, half-applied earlier runs) and an in-sync server yields no statements.
   * When omitted, `previous` is assumed to describe the server exactly (pure config diff).
   */
  readonly live?: readonly LiveUser[];
}

export type StatementKind = 'create-user' | 'alter-user' | 'grant' | 'revoke' | 'drop-user';

export interface PlannedStatement {
  readonly kind: StatementKind;
  readonly user: string;
  /** Fully escaped SQL, ready for `query()`. Contains no secrets (IAM users have no password). */
  readonly sql: string;
}

export interface UserChangePlan {
  readonly statements: readonly PlannedStatement[];
  readonly created: readonly string[];
  readonly dropped: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
  /** Privileges seen on the server that this planner does not manage (never revoked automatically). */
  readonly unmanagedPrivileges: readonly { user: string; privilege: string }[];
}

/** Validates and normalises a list of users; rejects duplicates (case-insensitively: MySQL names are case-sensitive, humans are not). */
export function validateUsers(users: readonly unknown[], label = 'users'): DesiredUser[] {
  if (!Array.isArray(users)) throw new InvalidIdentifierError(`${label} must be a list.`);
  const seen = new Set<string>();
  return users.map((entry) => {
    if (typeof entry !== 'object' || entry === null) throw new InvalidIdentifierError(`Each entry of ${label} must be an object.`);
    const { name, access } = entry as { name?: unknown; access?: unknown };
    const user: DesiredUser = { name: validateUserName(name), access: validateAccessLevel(access) };
    const key = user.name.toLowerCase();
    if (seen.has(key)) throw new InvalidIdentifierError(`Duplicate database user name "${user.name}" in ${label}.`);
    seen.add(key);
    return user;
  });
}

/**
 * In GRANT, `_` and `%` in a database name are wildcards (with partial_revokes OFF, the MySQL and RDS
 * default): `app_db`.* would also match `app1db`, and CREATE on it would let a schema owner create
 * such databases. Escaping them grants on exactly one schema. information_schema reports the
 * escaped form, so live state is compared against this pattern too.
 */
export function grantSchemaPattern(databaseName: string): string {
  return databaseName.replace(/[_%]/g, (c) => `\\${c}`);
}

function expectedAuthentication(auth: AuthenticationMethod): { plugin: string; authenticationString: string } {
  return auth.kind === 'aws-iam'
    ? { plugin: 'AWSAuthenticationPlugin', authenticationString: 'RDS' }
    : { plugin: 'pam', authenticationString: auth.service };
}

/** `IDENTIFIED ...` clause: constant keywords, the PAM service escaped as a string literal. */
function identifiedClause(auth: AuthenticationMethod): string {
  return auth.kind === 'aws-iam'
    ? "IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'"
    : mysql.format('IDENTIFIED VIA pam USING ?', [auth.service]);
}

function privilegeList(privileges: readonly DatabasePrivilege[]): string {
  // Only constants from KNOWN_DATABASE_PRIVILEGES reach this join.
  return privileges.map((p) => {
    if (!KNOWN_DATABASE_PRIVILEGES.includes(p)) throw new Error(`Unknown privilege ${p}`);
    return p;
  }).join(', ');
}

function sortedPrivileges(privileges: Iterable<DatabasePrivilege>): DatabasePrivilege[] {
  const set = new Set(privileges);
  return KNOWN_DATABASE_PRIVILEGES.filter((p) => set.has(p));
}

/** The state `previous` implies when no live state is given: each user exists exactly as configured. */
function assumedLive(previous: readonly DesiredUser[], auth: AuthenticationMethod): LiveUser[] {
  const expected = expectedAuthentication(auth);
  return previous.map((u) => ({
    name: u.name,
    ...expected,
    requiresSsl: true,
    privileges: PRIVILEGES_BY_ACCESS[u.access],
    grantOption: false,
  }));
}

/**
 * Plans the SQL that takes the server from `previous` (what this resource applied last time, from
 * CloudFormation's OldResourceProperties; empty on Create) to `desired`.
 *
 * - desired users: created if missing (`CREATE USER IF NOT EXISTS ... REQUIRE SSL`), re-pointed to
 *   IAM authentication + REQUIRE SSL if they drifted, missing privileges granted, extra privileges on
 *   the application database revoked (lowered access or drift).
 * - users in `previous` but not in `desired`: dropped. Users this resource never managed are never
 *   dropped, whatever the server holds.
 *
 * Throws InvalidIdentifierError before producing anything if any name is invalid.
 */
export function planUserChanges(
  previous: readonly DesiredUser[],
  desired: readonly DesiredUser[],
  options: PlanOptions,
): UserChangePlan {
  const databaseName = validateDatabaseName(options.databaseName);
  const auth: AuthenticationMethod = options.authentication.kind === 'pam'
    ? { kind: 'pam', service: validatePamService(options.authentication.service) }
    : { kind: 'aws-iam' };
  const previousUsers = validateUsers(previous, 'previous users');
  const desiredUsers = validateUsers(desired, 'desired users');

  const schema = grantSchemaPattern(databaseName);
  const expected = expectedAuthentication(auth);
  const live = new Map((options.live ?? assumedLive(previousUsers, auth)).map((u) => [u.name, u]));

  const statements: PlannedStatement[] = [];
  const created: string[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];
  const dropped: string[] = [];
  const unmanagedPrivileges: { user: string; privilege: string }[] = [];

  for (const user of [...desiredUsers].sort((a, b) => a.name.localeCompare(b.name))) {
    const current = live.get(user.name);
    const before = statements.length;
    const wanted = PRIVILEGES_BY_ACCESS[user.access];

    if (!current) {
      statements.push({
        kind: 'create-user',
        user: user.name,
        sql: `${mysql.format('CREATE USER IF NOT EXISTS ?@?', [user.name, ACCOUNT_HOST])} ${identifiedClause(auth)} REQUIRE SSL`,
      });
    } else if (
      current.plugin !== expected.plugin ||
      current.authenticationString !== expected.authenticationString ||
      !current.requiresSsl
    ) {
      // Adopt a pre-existing or drifted account: it must authenticate with IAM and over TLS only.
      statements.push({
        kind: 'alter-user',
        user: user.name,
        sql: `${mysql.format('ALTER USER ?@?', [user.name, ACCOUNT_HOST])} ${identifiedClause(auth)} REQUIRE SSL`,
      });
    }

    const held = new Set<DatabasePrivilege>();
    for (const raw of current?.privileges ?? []) {
      const name = raw.toUpperCase() as DatabasePrivilege;
      if (KNOWN_DATABASE_PRIVILEGES.includes(name)) held.add(name);
      else unmanagedPrivileges.push({ user: user.name, privilege: raw });
    }
    const toGrant = sortedPrivileges(wanted.filter((p) => !held.has(p)));
    const toRevoke = sortedPrivileges([...held].filter((p) => !wanted.includes(p)));

    if (toGrant.length > 0) {
      statements.push({
        kind: 'grant',
        user: user.name,
        sql: mysql.format(`GRANT ${privilegeList(toGrant)} ON ??.* TO ?@?`, [schema, user.name, ACCOUNT_HOST]),
      });
    }
    if (toRevoke.length > 0) {
      statements.push({
        kind: 'revoke',
        user: user.name,
        sql: mysql.format(`REVOKE ${privilegeList(toRevoke)} ON ??.* FROM ?@?`, [schema, user.name, ACCOUNT_HOST]),
      });
    }
    if (current?.grantOption) {
      statements.push({
        kind: 'revoke',
        user: user.name,
        sql: mysql.format('REVOKE GRANT OPTION ON ??.* FROM ?@?', [schema, user.name, ACCOUNT_HOST]),
      });
    }

    if (!current) created.push(user.name);
    else if (statements.length > before) changed.push(user.name);
    else unchanged.push(user.name);
  }

  const desiredNames = new Set(desiredUsers.map((u) => u.name));
  for (const user of [...previousUsers].sort((a, b) => a.name.localeCompare(b.name))) {
    if (desiredNames.has(user.name)) continue;
    // Only users this resource created (they are in `previous`), and only if they still exist.
    if (!live.has(user.name)) continue;
    statements.push({ kind: 'drop-user', user: user.name, sql: mysql.format('DROP USER IF EXISTS ?@?', [user.name, ACCOUNT_HOST]) });
    dropped.push(user.name);
  }

  return { statements, created, dropped, changed, unchanged, unmanagedPrivileges };
}
