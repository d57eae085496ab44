/**
 * Identifier rules for database users and the application database. They mirror the generator's
 * answer rules (CONTRACT.md) so that a configuration the generator accepted is accepted here too;
 * the Lambda re-checks because custom resource properties can be edited by hand.
 */
import type { AccessLevel } from '../../stack-config.js';

export const ACCESS_LEVELS: readonly AccessLevel[] = ['read-only', 'read-write', 'schema-owner', 'admin'];

const USER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
const DATABASE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Accounts owned by RDS, RDS Proxy or the master user; never managed by this resource. */
const RESERVED_USERS = new Set(['root', 'admin', 'rdsadmin', 'rdsproxyadmin', 'rdsrepladmin']);

/** System schemas: granting on them would be privilege escalation, not an application database. */
const SYSTEM_SCHEMAS = new Set(['mysql', 'sys', 'information_schema', 'performance_schema', 'rdsadmin', 'innodb', 'tmp']);

export class InvalidIdentifierError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidIdentifierError';
  }
}

/** Renders an untrusted value for an error message without echoing control characters or huge input. */
function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const printable = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  return printable;
}

export function validateUserName(name: unknown): string {
  if (typeof name !== 'string' || !USER_NAME.test(name)) {
    throw new InvalidIdentifierError(
      `Invalid database user name ${describe(name)}: use 1-32 characters, letters, digits and _, not starting with a digit.`,
    );
  }
  const lower = name.toLowerCase();
  // Reserved names are compared case-insensitively (stricter than MySQL, which is case-sensitive):
  // 'Admin' next to the master 'admin' invites mistakes. mysql.* system accounts cannot pass the regex.
  if (RESERVED_USERS.has(lower) || lower.startsWith('mysql.')) {
    throw new InvalidIdentifierError(`Database user name ${describe(name)} is reserved (master, RDS or MySQL system account).`);
  }
  return name;
}

export function validateDatabaseName(name: unknown): string {
  if (typeof name !== 'string' || !DATABASE_NAME.test(name)) {
    throw new InvalidIdentifierError(
      `Invalid database name ${describe(name)}: use 1-64 characters, letters, digits and _, starting with a letter.`,
    );
  }
  if (SYSTEM_SCHEMAS.has(name.toLowerCase())) {
    throw new InvalidIdentifierError(`Database name ${describe(name)} is a system schema.`);
  }
  return name;
}

export function validateAccessLevel(access: unknown): AccessLevel {
  if (typeof access !== 'string' || !(ACCESS_LEVELS as readonly string[]).includes(access)) {
    throw new InvalidIdentifierError(`Invalid access level ${describe(access)}: expected one of ${ACCESS_LEVELS.join(', ')}.`);
  }
  return access as AccessLevel;
}

/** PAM service names (test mode only) follow the same conservative character set. */
export function validatePamService(service: unknown): string {
  if (typeof service !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(service)) {
    throw new InvalidIdentifierError(`Invalid PAM service name ${describe(service)}.`);
  }
  return service;
}
