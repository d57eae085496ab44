/** `node dist/migrate.js`: applies pending migrations as DB_USER (a schema-owner user) and exits. */
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { migrate } from './migrations.js';
import { connectDatabase } from './runtime.js';

const logger = createLogger(process.env.LOG_LEVEL ?? 'info');
try {
  const config = loadConfig();
  const { pool } = connectDatabase({ ...config, db: { ...config.db, pool: { ...config.db.pool, connectionLimit: 1, maxIdle: 0 } } }, logger);
  try {
    await migrate(pool, logger);
  } finally {
    await pool.end();
  }
} catch (error) {
  logger.fatal({ err: error }, 'migration failed');
  process.exitCode = 1;
}
