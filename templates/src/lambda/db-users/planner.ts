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

/**
 * Admin = everything a DBA needs inside the application database, and no more:
 * - on the schema: the schema owner's rights plus stored code (CREATE/ALTER ROUTINE, EXECUTE, EVENT),
 *   dump/repair tooling (LOCK TABLES, CREATE TEMPORARY TABLES) and GRANT OPTION on that schema only, so
 *   an admin can hand out rights on the application schema (to accounts that already exist: no CREATE USER).
 * - global: only PROCESS (SHOW PROCESSLIST / information_schema.PROCESSLIST of every session, to find
 *   what is slow or locking). It is a global-only privilege that the RDS for MySQL master user holds
 *   with GRANT OPTION (AWS: "Master user account privileges"). Nothing else global: no SHOW DATABASES,
 *   RELOAD, REPLICATION *, CREATE USER or dynamic *_ADMIN privileges; killing a session stays the
 *   master's `CALL mysql.rds_kill(id)`.
 * DELETE HISTORY is MariaDB-only (MySQL rejects it), so no level holds it.
 */
const ADMIN: readonly DatabasePrivilege[] = [
  ...SCHEMA_OWNER,
  'CREATE TEMPORARY TABLES', 'LOCK TABLES', 'EXECUTE', 'CREATE ROUTINE', 'ALTER ROUTINE', 'EVENT',
];

/** Global (`ON *.*`) privileges a level may hold; each is a constant of this table. */
export const KNOWN_GLOBAL_PRIVILEGES = ['PROCESS'] as const;
export type GlobalPrivilege = (typeof KNOWN_GLOBAL_PRIVILEGES)[number];

/** Everything an access level holds: anything an account holds beyond it is revoked. */
export interface AccessLevelGrants {
  /** Privileges on the application database. */
  readonly schema: readonly DatabasePrivilege[];
  /** Whether the account may grant its application-database privileges on (never global). */
  readonly grantOption: boolean;
  /** Global privileges (`ON *.*`, without GRANT OPTION). */
  readonly global: readonly GlobalPrivilege[];
}

export const GRANTS_BY_ACCESS: Readonly<Record<AccessLevel, AccessLevelGrants>> = {
  'read-only': { schema: READ_ONLY, grantOption: false, global: [] },
  'read-write': { schema: READ_WRITE, grantOption: false, global: [] },
  'schema-owner': { schema: SCHEMA_OWNER, grantOption: false, global: [] },
  'admin': { schema: ADMIN, grantOption: true, global: ['PROCESS'] },
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
  /**
   * Everything else the account holds, at any level (read by live-state.ts), including the global
   * privileges its level expects. @default none
   */
  readonly extraGrants?: readonly ExtraGrant[];
}

/** A grant outside the application schema's database level: never part of a configured access level. */
export type ExtraGrant =
  | { readonly level: 'global'; readonly privilege: string; readonly grantable?: boolean }
  | { readonly level: 'schema'; readonly schema: string; readonly privilege: string }
  | { readonly level: 'table'; readonly schema: string; readonly table: string; readonly privilege: string }
  | { readonly level: 'column'; readonly schema: string; readonly table: string; readonly column: string; readonly privilege: string }
  | { readonly level: 'routine'; readonly schema: string; readonly routine: string; readonly privilege: string }
  | { readonly level: 'proxy'; readonly user: string; readonly host: string }
  /** MySQL roles are accounts (`host` set); MariaDB roles have no host. */
  | { readonly level: 'role' | 'default-role'; readonly role: string; readonly host?: string };

/** Live state of the managed names: their `'name'@ACCOUNT_HOST` accounts and same-name accounts elsewhere. */
export interface LiveState {
  readonly users: readonly LiveUser[];
  readonly otherHostAccounts: readonly { readonly name: string; readonly host: string }[];
}

/** Human-readable form of an extra grant, for logs and refusals (never executed). */
export function describeGrant(grant: ExtraGrant): string {
  switch (grant.level) {
    case 'global': return `${grant.privilege} ON *.*${grant.grantable ? ' WITH GRANT OPTION' : ''}`;
    case 'schema': return `${grant.privilege} ON \`${grant.schema}\`.*`;
    case 'table': return `${grant.privilege} ON \`${grant.schema}\`.\`${grant.table}\``;
    case 'column': return `${grant.privilege} (${grant.column}) ON \`${grant.schema}\`.\`${grant.table}\``;
    case 'routine': return `${grant.privilege} ON ${grant.routine} \`${grant.schema}\``;
    case 'proxy': return `PROXY ON '${grant.user}'@'${grant.host}'`;
    case 'role':
    case 'default-role': return `${grant.level.replace('-', ' ')} ${grant.host === undefined ? grant.role : `'${grant.role}'@'${grant.host}'`}`;
  }
}

/**
 * The configuration cannot be applied without touching an account this resource must not take
 * over. Thrown before any statement runs.
 */
export class AccountConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountConflictError';
  }
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
  /**
   * Accounts with a managed user's name at a host other than ACCOUNT_HOST. Such an account is
   * matched before `'name'@'%'` for connections from its host, so it would bypass IAM
   * authentication: planning refuses instead of dropping what someone else made.
   */
  readonly otherHostAccounts?: LiveState['otherHostAccounts'];
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
  /**
   * Privileges on the application database this planner has no name for (never put into SQL; an
   * account holding one is reset with REVOKE ALL PRIVILEGES and granted its level again).
   */
  readonly unmanagedPrivileges: readonly { user: string; privilege: string }[];
  /** Grants at other levels that the plan revokes, per user (for the log). */
  readonly revokedExtras: readonly { user: string; grant: string }[];
  /**
   * Users whose rights the plan lowers (revokes, re-authentication, drop): sessions they opened
   * earlier keep cached rights (MySQL re-reads database privileges only on USE, account changes
   * only at login), so the handler ends those sessions after applying.
   */
  readonly endSessionsOf: readonly string[];
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
    privileges: GRANTS_BY_ACCESS[u.access].schema,
    grantOption: GRANTS_BY_ACCESS[u.access].grantOption,
    extraGrants: GRANTS_BY_ACCESS[u.access].global.map((privilege) => ({ level: 'global', privilege })),
  }));
}

/**
 * Plans the SQL that takes the server from `previous` (what this resource applied last time, from
 * CloudFormation's OldResourceProperties; empty on Create) to `desired`.
 *
 * - desired users: created if missing (`CREATE USER IF NOT EXISTS ... REQUIRE SSL`), re-pointed to
 *   IAM authentication + REQUIRE SSL if they drifted, missing privileges granted, extra privileges on
 *   the application database revoked (lowered access or drift).
 * - an existing account holding more than its level anywhere (global, other schemas, tables, columns,
 *   routines, proxy grants, roles) is taken over: those grants are revoked, so the account ends up
 *   with exactly its level on the application database and IAM as the only way in.
 * - a same-name account at another host is refused (AccountConflictError), never dropped.
 * - users in `previous` but not in `desired`: dropped. Users this resource never managed are never
 *   dropped, whatever the server holds.
 * - `endSessionsOf` lists the users whose rights went down, whose earlier sessions must end.
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
  const revokedExtras: { user: string; grant: string }[] = [];
  const lowered = new Set<string>();

  const conflicts = (options.otherHostAccounts ?? [])
    .filter((account) => desiredUsers.some((u) => u.name === account.name) && account.host !== ACCOUNT_HOST)
    .map((account) => `'${account.name}'@'${account.host}'`);
  if (conflicts.length > 0) {
    throw new AccountConflictError(
      `Refusing to manage ${conflicts.join(', ')}: an account with a configured user's name exists at another host than '${ACCOUNT_HOST}'. ` +
        'It is matched first for connections from that host, so it would keep its own password and privileges beside the IAM login. ' +
        'Drop it (DROP USER) or rename the configured user; nothing was changed.',
    );
  }

  for (const user of [...desiredUsers].sort((a, b) => a.name.localeCompare(b.name))) {
    const current = live.get(user.name);
    const before = statements.length;
    const level = GRANTS_BY_ACCESS[user.access];
    const wanted = level.schema;

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

    // The global privileges the level expects (held without GRANT OPTION) are part of it, not extra.
    const heldGlobal = new Set<GlobalPrivilege>();
    const extras = (current?.extraGrants ?? []).filter((grant) => {
      const partOfLevel = grant.level === 'global' && !grant.grantable && level.global.find((p) => p === grant.privilege.toUpperCase());
      if (partOfLevel) heldGlobal.add(partOfLevel);
      return !partOfLevel;
    });
    // Extra grants at other levels: roles and proxy grants are revoked one by one, everything else
    // (global, other schemas, tables, columns, routines, unknown schema privileges) by resetting the
    // account with REVOKE ALL PRIVILEGES and granting its level again.
    for (const grant of extras) {
      revokedExtras.push({ user: user.name, grant: describeGrant(grant) });
      if (grant.level === 'default-role') {
        // MySQL: SET DEFAULT ROLE ... TO; MariaDB (roles without host): ... FOR.
        statements.push({
          kind: 'revoke',
          user: user.name,
          sql: mysql.format(`SET DEFAULT ROLE NONE ${grant.host === undefined ? 'FOR' : 'TO'} ?@?`, [user.name, ACCOUNT_HOST]),
        });
      } else if (grant.level === 'role') {
        statements.push({
          kind: 'revoke',
          user: user.name,
          sql: grant.host === undefined
            ? mysql.format('REVOKE ?? FROM ?@?', [grant.role, user.name, ACCOUNT_HOST])
            : mysql.format('REVOKE ?@? FROM ?@?', [grant.role, grant.host, user.name, ACCOUNT_HOST]),
        });
      } else if (grant.level === 'proxy') {
        statements.push({ kind: 'revoke', user: user.name, sql: mysql.format('REVOKE PROXY ON ?@? FROM ?@?', [grant.user, grant.host, user.name, ACCOUNT_HOST]) });
      }
    }

    const held = new Set<DatabasePrivilege>();
    let unknownOnSchema = false;
    for (const raw of current?.privileges ?? []) {
      const name = raw.toUpperCase() as DatabasePrivilege;
      if (KNOWN_DATABASE_PRIVILEGES.includes(name)) {
        held.add(name);
        continue;
      }
      unmanagedPrivileges.push({ user: user.name, privilege: raw });
      unknownOnSchema = true;
    }
    const reset = unknownOnSchema || extras.some((g) => !['role', 'default-role', 'proxy'].includes(g.level));
    if (current && reset) {
      statements.push({ kind: 'revoke', user: user.name, sql: mysql.format('REVOKE ALL PRIVILEGES, GRANT OPTION FROM ?@?', [user.name, ACCOUNT_HOST]) });
      held.clear();
      heldGlobal.clear();
    }
    const grantOptionHeld = Boolean(current?.grantOption) && !reset;
    // GRANT OPTION covers every privilege at the schema level: granted along with the whole level.
    const addGrantOption = level.grantOption && !grantOptionHeld;
    const toGrant = addGrantOption ? [...wanted] : sortedPrivileges(wanted.filter((p) => !held.has(p)));
    const toRevoke = sortedPrivileges([...held].filter((p) => !wanted.includes(p)));

    if (toGrant.length > 0) {
      statements.push({
        kind: 'grant',
        user: user.name,
        sql: mysql.format(`GRANT ${privilegeList(toGrant)} ON ??.* TO ?@?${addGrantOption ? ' WITH GRANT OPTION' : ''}`, [schema, user.name, ACCOUNT_HOST]),
      });
    }
    const toGrantGlobally = level.global.filter((p) => !heldGlobal.has(p));
    if (toGrantGlobally.length > 0) {
      // Only constants of KNOWN_GLOBAL_PRIVILEGES reach this join.
      statements.push({
        kind: 'grant',
        user: user.name,
        sql: mysql.format(`GRANT ${toGrantGlobally.filter((p) => KNOWN_GLOBAL_PRIVILEGES.includes(p)).join(', ')} ON *.* TO ?@?`, [user.name, ACCOUNT_HOST]),
      });
    }
    if (toRevoke.length > 0) {
      statements.push({
        kind: 'revoke',
        user: user.name,
        sql: mysql.format(`REVOKE ${privilegeList(toRevoke)} ON ??.* FROM ?@?`, [schema, user.name, ACCOUNT_HOST]),
      });
    }
    if (grantOptionHeld && !level.grantOption) {
      statements.push({
        kind: 'revoke',
        user: user.name,
        sql: mysql.format('REVOKE GRANT OPTION ON ??.* FROM ?@?', [schema, user.name, ACCOUNT_HOST]),
      });
    }
    if (statements.slice(before).some((st) => st.kind === 'revoke' || st.kind === 'alter-user')) lowered.add(user.name);

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
    lowered.add(user.name);
  }

  return { statements, created, dropped, changed, unchanged, unmanagedPrivileges, revokedExtras, endSessionsOf: [...lowered].sort() };
}
