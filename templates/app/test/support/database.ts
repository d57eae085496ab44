/**
 * A real MariaDB for the app's tests and the bench, reusing the project's harness
 * (test/support/mariadb-server.ts): TLS with a test CA, and the PAM set-up that makes mysql2 perform
 * the same `mysql_clear_password` auth switch RDS Proxy drives. Tokens come from the real
 * `@aws-sdk/rds-signer` (it signs locally; static fake credentials, no network).
 *
 * The PAM check here is stricter than the harness default: besides the token's shape it refuses
 * tokens older than a maximum age (read from a file, so a test can shorten the "lifetime") and it
 * records every token it sees.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pamCheckScript, startMariaDbServer, TOKEN_SHAPE_CHECKS, type MariaDbServer } from '../../../test/support/mariadb-server.js';
import type { AppConfig } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { migrateWith } from '../../src/runtime.js';

export const APP_USER = 'app_user';
export const MIGRATION_USER = 'migrator';
export const DATABASE = 'app';

/** Static, fake credentials: rds-signer only needs something to sign with. */
function useFakeAwsCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_REGION = 'eu-west-1';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

function checkScript(dir: string): string {
  return pamCheckScript(
    `printf '%s %s\\n' "$PAM_USER" "$token" >> ${dir}/tokens.log`,
    TOKEN_SHAPE_CHECKS,
    `# Expiry: X-Amz-Date=YYYYMMDDTHHMMSSZ must be at most max-age seconds old (900 like RDS unless a test shortens it).
stamp=$(printf '%s' "$token" | sed -n 's/.*X-Amz-Date=\\([0-9]\\{8\\}\\)T\\([0-9][0-9]\\)\\([0-9][0-9]\\)\\([0-9][0-9]\\)Z.*/\\1 \\2:\\3:\\4/p')
[ -n "$stamp" ] || exit 1
signed=$(date -u -d "$stamp" +%s) || exit 1
now=$(date -u +%s)
max=$(cat ${dir}/max-age 2>/dev/null || echo 900)
[ $((now - signed)) -le "$max" ] || exit 1`,
  );
}

export interface TestDatabase {
  readonly server: MariaDbServer;
  /** Every token the server was offered, in order, with the user it was for. */
  tokens(): Promise<{ user: string; token: string }[]>;
  /** Shortens (or restores, with 900) the token lifetime the server accepts. */
  setMaxTokenAgeSeconds(seconds: number): Promise<void>;
  /** Environment for the service in local mode as `user`. */
  env(user?: string, extra?: Record<string, string>): Record<string, string>;
  config(user?: string, extra?: Record<string, string>): AppConfig;
  /** Applies the migrations as the schema owner (MIGRATION_USER), through the token path. */
  migrate(logger?: Logger): Promise<void>;
  stop(): Promise<void>;
}

/** Starts MariaDB with PAM, creates the database, the app user (read-write) and the migration user (schema owner). */
export async function startTestDatabase(): Promise<TestDatabase> {
  useFakeAwsCredentials();
  // tokens.log and max-age, shared with the PAM check script.
  const dir = await mkdtemp(join(tmpdir(), 'app-test-'));
  await chmod(dir, 0o777);
  const server = await startMariaDbServer({ pam: { checkScript: checkScript(dir) } });
  await server.adminQuery(`CREATE DATABASE ${DATABASE}`);
  for (const [user, privileges] of [
    [APP_USER, 'SELECT, INSERT, UPDATE, DELETE'],
    [MIGRATION_USER, 'SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES'],
  ] as const) {
    // The local stand-in for `IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL`.
    await server.adminQuery(`CREATE USER ?@'%' IDENTIFIED VIA pam USING ? REQUIRE SSL`, [user, server.pamService]);
    await server.adminQuery(`GRANT ${privileges} ON ${DATABASE}.* TO ?@'%'`, [user]);
  }
  const env = (user = APP_USER, extra: Record<string, string> = {}) => ({
    DB_MODE: 'local',
    DB_HOST: server.host,
    DB_PORT: String(server.port),
    DB_NAME: DATABASE,
    DB_USER: user,
    DB_REGION: 'eu-west-1',
    DB_TLS_CA_FILE: join(server.baseDir, 'ca.pem'), // the harness's test CA
    LOG_LEVEL: 'silent',
    ...extra,
  });
  return {
    server,
    async tokens() {
      const text = await readFile(join(dir, 'tokens.log'), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((line) => {
        const [user, token] = line.split(' ');
        return { user: user!, token: token ?? '' };
      });
    },
    setMaxTokenAgeSeconds: (seconds) => writeFile(join(dir, 'max-age'), String(seconds)),
    env,
    config: (user, extra) => loadConfig(env(user, extra)),
    migrate: (logger = createLogger('silent')) => migrateWith(loadConfig(env(MIGRATION_USER)), logger),
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
