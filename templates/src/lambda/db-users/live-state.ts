/**
 * Reads what the server currently holds for the managed accounts, so the planner can reconcile
 * against reality: a second run with the same configuration plans zero statements, and drift or a
 * half-applied earlier run is repaired. Uses mysql.user and information_schema.SCHEMA_PRIVILEGES,
 * which MySQL 8.4 and MariaDB (tests) both provide, rather than parsing SHOW GRANTS text.
 */
import mysql from 'mysql2';
import { ACCOUNT_HOST, grantSchemaPattern, type LiveUser } from './planner.js';
import type { SqlConnection } from './sql-connection.js';

interface AccountRow { User: string; plugin: string; authentication_string: string; ssl_type: string }
interface PrivilegeRow { GRANTEE: string; PRIVILEGE_TYPE: string; IS_GRANTABLE: string }

export async function readLiveUsers(
  connection: SqlConnection,
  userNames: readonly string[],
  databaseName: string,
): Promise<LiveUser[]> {
  if (userNames.length === 0) return [];
  const accounts = await connection.query<AccountRow>(
    mysql.format('SELECT User, plugin, authentication_string, ssl_type FROM mysql.user WHERE Host = ? AND User IN (?)', [ACCOUNT_HOST, [...userNames]]),
  );
  const privileges = await connection.query<PrivilegeRow>(
    mysql.format('SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.SCHEMA_PRIVILEGES WHERE TABLE_SCHEMA = ?', [
      grantSchemaPattern(databaseName),
    ]),
  );
  return accounts.map((row) => {
    // GRANTEE is rendered as 'user'@'host'; names are validated (no quotes), so an exact match is safe.
    const grantee = `'${row.User}'@'${ACCOUNT_HOST}'`;
    const mine = privileges.filter((p) => p.GRANTEE === grantee);
    return {
      name: row.User,
      plugin: row.plugin,
      authenticationString: row.authentication_string,
      requiresSsl: ['ANY', 'X509', 'SPECIFIED'].includes(String(row.ssl_type).toUpperCase()),
      privileges: mine.map((p) => p.PRIVILEGE_TYPE),
      grantOption: mine.some((p) => p.IS_GRANTABLE === 'YES'),
    };
  });
}
