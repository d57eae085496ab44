/** Wiring shared by the server and the migration command: config -> token cache -> pool. */
import type { AppConfig } from './config.js';
import { createIamPool, type Pool } from './db.js';
import { IamTokenCache, rdsTokenSigner } from './iam-token-cache.js';
import type { Logger } from './logger.js';

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
