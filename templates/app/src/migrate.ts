/** `node dist/migrate.js`: applies pending migrations as DB_USER (a schema-owner user) and exits. */
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { migrateWith } from './runtime.js';

const logger = createLogger(process.env.LOG_LEVEL ?? 'info');
try {
  await migrateWith(loadConfig(), logger);
} catch (error) {
  logger.fatal({ err: error }, 'migration failed');
  process.exitCode = 1;
}
