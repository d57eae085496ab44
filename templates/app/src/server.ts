/** Entry point: `node dist/server.js`. */
import type { AddressInfo } from 'node:net';
import { Admission } from './admission.js';
import { createApp, RETRY_AFTER_S, type Lifecycle } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createHttpServer } from './http-server.js';
import { createLogger } from './logger.js';
import { installGracefulShutdown } from './lifecycle.js';
import { migrate } from './migrations.js';
import { RefusalPacer } from './refusal-pacing.js';
import { connectDatabase } from './runtime.js';

async function main(): Promise<void> {
  const bootLogger = createLogger(process.env.LOG_LEVEL ?? 'info');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    bootLogger.fatal({ err: error instanceof ConfigError ? { message: error.message } : error }, 'invalid configuration');
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const { pool } = connectDatabase(config, logger);
  if (config.migrateOnStart) await migrate(pool, logger);

  const lifecycle: Lifecycle = { draining: false };
  const { connectionLimit, queueLimit, acquireTimeoutMs, refusalsPerS } = config.db.pool;
  const admission = new Admission({ maxConcurrent: connectionLimit, maxQueued: queueLimit, acquireTimeoutMs });
  const refusalPacer = new RefusalPacer({ ratePerS: refusalsPerS, maxWaitMs: RETRY_AFTER_S * 1000 });
  const app = createApp({ pool, logger, lifecycle, admission, refusalPacer, queryTimeoutMs: config.db.queryTimeoutMs });
  const server = createHttpServer(app, { logger, lifecycle });
  server.listen(config.http.port, config.http.host, () => {
    logger.info(
      { port: (server.address() as AddressInfo).port, dbHost: config.db.host, dbUser: config.db.user, dbMode: config.db.tls.mode },
      'listening',
    );
  });
  // Keep-alive above the ALB's idle timeout (60 s), so the ALB never reuses a socket we just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  installGracefulShutdown({ server, pool, logger, lifecycle, ...config.shutdown });
}

main().catch((error: unknown) => {
  createLogger('fatal').fatal({ err: error }, 'start-up failed');
  process.exit(1);
});
