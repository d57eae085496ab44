import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';

const aws = { DB_HOST: 'my-proxy.proxy-abc.eu-west-1.rds.amazonaws.com', DB_NAME: 'app', DB_USER: 'app_user', AWS_REGION: 'eu-west-1' };

describe('loadConfig', () => {
  test('AWS mode defaults: port 3306, bounded pool with maxIdle below the limit, 10-minute token reuse', () => {
    const config = loadConfig(aws);
    expect(config.db).toMatchObject({
      port: 3306, region: 'eu-west-1', tls: { mode: 'aws' },
      pool: { connectionLimit: 10, maxIdle: 5, idleTimeoutMs: 60_000, queueLimit: 100, acquireTimeoutMs: 2_000, refusalsPerS: 250 },
      tokenRefreshAfterMs: 600_000,
    });
    expect(config.db.pool.maxIdle).toBeLessThan(config.db.pool.connectionLimit);
  });

  test.each([
    [{ DB_PASSWORD: 'x' }, /DB_PASSWORD set: this service authenticates with IAM tokens only/],
    [{ MYSQL_PWD: 'x' }, /MYSQL_PWD/],
    [{ DB_HOST: '' }, /DB_HOST/],
    [{ DB_USER: 'bad-name' }, /DB_USER must be a MySQL user name/],
    [{ AWS_REGION: undefined }, /DB_REGION or AWS_REGION is required/],
    [{ DB_POOL_MAX_IDLE: '10' }, /DB_POOL_MAX_IDLE must be below DB_POOL_SIZE/],
    [{ DB_TLS_CA_FILE: '/etc/ssl/dev-ca.pem' }, /DB_TLS_CA_FILE is only for DB_MODE=local/],
    [{ DB_MODE: 'local' }, /DB_TLS_CA_FILE is required with DB_MODE=local/],
    [{ DB_PORT: '70000' }, /DB_PORT/],
    [{ DB_POOL_REFUSALS_PER_S: '-1' }, /DB_POOL_REFUSALS_PER_S/],
    [{ DB_POOL_REFUSALS_PER_S: 'fast' }, /DB_POOL_REFUSALS_PER_S/],
  ])('refuses %o', (override, message) => {
    expect(() => loadConfig({ ...aws, ...override })).toThrow(message);
  });

  test('local mode reads the developer CA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const config = loadConfig({ ...aws, DB_MODE: 'local', DB_TLS_CA_FILE: join(dir, 'ca.pem'), DB_HOST: 'localhost' });
    expect(config.db.tls).toMatchObject({ mode: 'local', ca: expect.stringContaining('BEGIN CERTIFICATE') });
  });
});
