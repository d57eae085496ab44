/**
 * Schema migrations: an ordered list, applied once each, recorded in `schema_migrations`.
 *
 * They need DDL rights, which the app's read-write user deliberately lacks. Run them with a
 * schema-owner user: `npm run migrate` (`node dist/migrate.js`) with DB_USER set to that user, e.g.
 * as a one-off ECS task before a deploy; or MIGRATE_ON_START=true when the service's own user is a
 * schema owner (local development). A named lock serialises concurrent runs.
 */
import type { Pool } from './db.js';
import type { Logger } from './logger.js';

export interface Migration {
  /** Strictly increasing, never reused. */
  readonly version: number;
  readonly name: string;
  /** Statements run in order (MySQL DDL is not transactional: keep each migration small). */
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create items',
    statements: [
      `CREATE TABLE IF NOT EXISTS items (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        name VARCHAR(200) NOT NULL,
        description VARCHAR(2000) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ],
  },
];

const LOCK_NAME = 'app.schema_migrations';

export async function migrate(pool: Pool, logger: Logger): Promise<void> {
  const versions = MIGRATIONS.map((m) => m.version);
  if (versions.some((v, i) => i > 0 && v <= versions[i - 1]!)) {
    throw new Error('Migration versions must be strictly increasing');
  }
  // One connection for the whole run: GET_LOCK is per session.
  const connection = await pool.getConnection();
  try {
    const [lockRows] = await connection.query<import('mysql2').RowDataPacket[]>('SELECT GET_LOCK(?, 60) AS locked', [LOCK_NAME]);
    if (lockRows[0]?.locked !== 1) throw new Error('Could not get the migration lock within 60 s');
    try {
      await connection.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INT UNSIGNED NOT NULL PRIMARY KEY,
        name VARCHAR(200) NOT NULL,
        applied_at DATETIME(3) NOT NULL
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
      const [rows] = await connection.query<import('mysql2').RowDataPacket[]>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => Number(r.version)));
      const done: number[] = [];
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        logger.info({ migration: migration.version, name: migration.name }, 'applying migration');
        for (const statement of migration.statements) {
          await connection.query(statement);
        }
        await connection.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, UTC_TIMESTAMP(3))', [
          migration.version,
          migration.name,
        ]);
        done.push(migration.version);
      }
      logger.info({ applied: done, total: MIGRATIONS.length }, 'migrations up to date');
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]).catch(() => undefined);
    }
  } finally {
    connection.release();
  }
}
