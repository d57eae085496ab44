/**
 * Ending sessions after a lowering. MySQL re-reads database privileges only on `USE` and account
 * changes only at login, so a session opened before a REVOKE, an ALTER USER or a DROP USER keeps its
 * old rights. The bootstrap ends those sessions; clients (RDS Proxy) reconnect with the new rights.
 */
import mysql from 'mysql2';
import { describeError } from './retry.js';
import type { SqlConnection } from './sql-connection.js';

/** The statement that ends one session: `KILL CONNECTION` where the master user may (MariaDB in tests). */
export const killConnection = (threadId: number): string => mysql.format('KILL CONNECTION ?', [threadId]);

/** RDS: the master user has no KILL on other users' sessions; RDS provides this procedure instead. */
export const rdsKill = (threadId: number): string => mysql.format('CALL mysql.rds_kill(?)', [threadId]);

/** Ids of the server sessions the given accounts hold (any host), except this connection's own. */
export async function readSessions(connection: SqlConnection, userNames: readonly string[]): Promise<{ id: number; user: string }[]> {
  if (userNames.length === 0) return [];
  const rows = await connection.query<{ ID: number | string; USER: string }>(
    mysql.format('SELECT ID, USER FROM information_schema.PROCESSLIST WHERE USER IN (?) AND ID <> CONNECTION_ID()', [[...userNames]]),
  );
  return rows.map((r) => ({ id: Number(r.ID), user: r.USER }));
}

/** Ends every session of `userNames`; returns the users whose sessions were ended. */
export async function endSessions(
  connection: SqlConnection,
  userNames: readonly string[],
  statement: (threadId: number) => string = killConnection,
): Promise<{ count: number; users: string[] }> {
  const sessions = await readSessions(connection, userNames);
  for (const s of sessions) {
    try {
      await connection.query(statement(s.id));
    } catch (error) {
      // The session may have ended on its own in between.
      if ((error as { code?: unknown }).code !== 'ER_NO_SUCH_THREAD') throw new Error(`Ending session ${s.id} of ${s.user} failed: ${describeError(error)}`);
    }
  }
  return { count: sessions.length, users: [...new Set(sessions.map((s) => s.user))] };
}
