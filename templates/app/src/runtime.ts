/** Wiring shared by the server and the migration command: config -> token cache -> pool. */
import type { AppConfig } from './config.js';
import { createIamPool, type Pool } from './db.js';
import { IamTokenCache, rdsTokenSigner } from './iam-token-cache.js';
import type { Logger } from './logger.js';
import { migrate } from './migrations.js';

export interface Database {
  readonly pool: Pool;
  readonly tokens: IamTokenCache;
}

export function connectDatabase(config: AppConfig, logger: Logger, sign = rdsTokenSigner({
  hostname: config.db.host,
  port: config.db.port,
  username: config.db.user,
  region: config.db.region,
})): Database {
  const tokens = new IamTokenCache({
    sign,
    refreshAfterMs: config.db.tokenRefreshAfterMs,
    onRefreshError: (error) => logger.warn({ err: error }, 'IAM token refresh failed; the current token is still valid'),
  });
  const pool = createIamPool(config.db, tokens);
  // Pool-level errors must never crash the process: failed queries already reach their callers.
  pool.pool.on('error', (error: unknown) => logger.warn({ err: error }, 'database pool error'));
  pool.pool.on('connection', () => logger.debug({ signatures: tokens.signatures }, 'new database connection'));
  return { pool, tokens };
}

/**
 * Applies pending migrations as `config.db.user` (a schema-owner user) on a pool of its own, then closes
 * it. One connection is enough: the migration lock (GET_LOCK) is per session, so the run holds one throughout.
 */
export async function migrateWith(config: AppConfig, logger: Logger): Promise<void> {
  const { pool } = connectDatabase({ ...config, db: { ...config.db, pool: { ...config.db.pool, connectionLimit: 1, maxIdle: 0 } } }, logger);
  try {
    await migrate(pool, logger);
  } finally {
    await pool.end();
  }
}
