/**
 * The service against a real MariaDB over the real IAM-token client path: @aws-sdk/rds-signer tokens,
 * mysql2's mysql_clear_password auth switch, TLS with CA and host-name verification.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import mysql from 'mysql2/promise';
import { createApp } from '../src/app.js';
import { createIamPool, tlsOptions, type Pool } from '../src/db.js';
import { IamTokenCache, rdsTokenSigner } from '../src/iam-token-cache.js';
import { connectDatabase } from '../src/runtime.js';
import { APP_USER, startTestDatabase, type TestDatabase } from './support/database.js';
import { memoryLogger, serveApp, type Served } from './support/http.js';

jest.setTimeout(60_000);

let db: TestDatabase;
let pool: Pool;
let tokens: IamTokenCache;
let served: Served;
const logs = memoryLogger();

beforeAll(async () => {
  db = await startTestDatabase();
  // Migrations run as the schema owner, also through the token path.
  await db.migrate(logs.logger);
  ({ pool, tokens } = connectDatabase(db.config(APP_USER), logs.logger));
  served = await serveApp(createApp({ pool, logger: logs.logger }), logs.logger);
});

afterAll(async () => {
  await served?.close();
  await pool?.end();
  await db?.stop();
});

const json = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${served.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) },
  });
  const text = await response.text();
  return { response, status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('end to end through the IAM token path', () => {
  test('CRUD on /items', async () => {
    const created = await json('/items', { method: 'POST', body: JSON.stringify({ name: 'first', description: 'hello' }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'first', description: 'hello' });
    const id = created.body!.id as number;
    expect(created.response.headers.get('location')).toBe(`/items/${id}`);
    expect(new Date(created.body!.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    expect((await json(`/items/${id}`)).body).toMatchObject({ id, name: 'first' });
    const updated = await json(`/items/${id}`, { method: 'PUT', body: JSON.stringify({ name: 'renamed' }) });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, name: 'renamed', description: null });

    await json('/items', { method: 'POST', body: JSON.stringify({ name: 'second' }) });
    const page = await json('/items?limit=1');
    expect(page.body!.items).toHaveLength(1);
    const next = await json(`/items?limit=1&after=${page.body!.next}`);
    expect(next.body!.items[0].name).toBe('second');

    expect((await json(`/items/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await json(`/items/${id}`)).status).toBe(404);
    expect((await json(`/items/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  test('the server saw real rds-signer tokens for the app user, bound to the endpoint', async () => {
    const seen = (await db.tokens()).filter((t) => t.user === APP_USER);
    expect(seen.length).toBeGreaterThan(0);
    for (const { token } of seen) {
      expect(token).toMatch(new RegExp(`^localhost:${db.server.port}/\\?Action=connect&DBUser=${APP_USER}&`));
      expect(token).toContain('X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F');
      expect(token).toContain('%2Feu-west-1%2Frds-db%2Faws4_request');
      expect(token).toContain('X-Amz-Expires=900');
    }
    // One signature serves every connection opened within the refresh interval.
    expect(tokens.signatures).toBe(1);
  });

  test('/healthz needs no database; /readyz makes a round trip', async () => {
    expect(await json('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await json('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  test('the app user has no DDL rights (least privilege; migrations need the schema owner)', async () => {
    await expect(pool.query('CREATE TABLE nope (id INT)')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
  });

  test('secure headers, request id and structured request logs without tokens', async () => {
    const { response } = await json('/healthz', { headers: { 'x-request-id': 'test-request-1' } });
    expect(response.headers.get('x-request-id')).toBe('test-request-1');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    // Probes are logged at debug (every few seconds from the load balancer), other requests at info.
    const line = logs.lines.find((l) => l.requestId === 'test-request-1' && l.msg === 'request');
    expect(line).toMatchObject({ level: 'debug', method: 'GET', path: '/healthz', status: 200, service: 'app' });
    await json('/items/999999', { headers: { 'x-request-id': 'test-request-2' } });
    expect(logs.lines.find((l) => l.requestId === 'test-request-2' && l.msg === 'request')).toMatchObject({ level: 'info', path: '/items/999999', status: 404 });
    expect(logs.text()).not.toContain('X-Amz-Signature');
  });
});

describe('invalid requests get 4xx JSON errors with a request id and no stack trace', () => {
  const cases: [string, string, RequestInit | undefined, number][] = [
    ['missing name', '/items', { method: 'POST', body: '{}' }, 400],
    ['empty name', '/items', { method: 'POST', body: JSON.stringify({ name: '   ' }) }, 400],
    ['unknown field', '/items', { method: 'POST', body: JSON.stringify({ name: 'x', admin: true }) }, 400],
    ['name too long', '/items', { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(201) }) }, 400],
    ['malformed JSON', '/items', { method: 'POST', body: '{"name":' }, 400],
    ['non-numeric id', '/items/abc', undefined, 400],
    ['negative id', '/items/-1', undefined, 400],
    ['limit out of range', '/items?limit=1000', undefined, 400],
    ['body too large', '/items', { method: 'POST', body: JSON.stringify({ name: 'x', description: 'y'.repeat(70_000) }) }, 413],
    ['unknown route', '/nope', undefined, 404],
    ['missing item', '/items/999999', undefined, 404],
  ];
  test.each(cases)('%s', async (_label, path, init, status) => {
    const result = await json(path, init);
    expect(result.status).toBe(status);
    expect(result.response.headers.get('content-type')).toMatch(/application\/json/);
    expect(result.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) }, requestId: expect.any(String) });
    expect(JSON.stringify(result.body)).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.ts\b/);
  });

  test('validation errors name the offending field', async () => {
    const result = await json('/items', { method: 'POST', body: '{}' });
    expect(result.body!.error.details).toEqual([expect.objectContaining({ path: 'name' })]);
  });
});

describe('token refusal and expiry', () => {
  test('a wrong token is refused: /readyz and /items answer 503 JSON, the process stays up', async () => {
    // Signed correctly, but for another database user: the server refuses it for app_user.
    const log = memoryLogger();
    const { pool: wrongPool } = connectDatabase(
      db.config(APP_USER),
      log.logger,
      rdsTokenSigner({ hostname: db.server.host, port: db.server.port, username: 'someone_else', region: 'eu-west-1' }),
    );
    const app = await serveApp(createApp({ pool: wrongPool, logger: log.logger }), log.logger);
    try {
      const ready = await fetch(`${app.url}/readyz`);
      expect(ready.status).toBe(503);
      const items = await fetch(`${app.url}/items`);
      expect(items.status).toBe(503);
      expect(await items.json()).toMatchObject({ error: { code: 'database_unavailable' } });
      await expect(wrongPool.query('SELECT 1')).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
      expect(log.text()).not.toContain('X-Amz-Signature');
    } finally {
      await app.close();
      await wrongPool.end();
    }
  });

  test('a garbage token is refused at the protocol level', async () => {
    const connect = mysql.createConnection({
      host: db.server.host,
      port: db.server.port,
      user: APP_USER,
      ssl: tlsOptions(db.config().db),
      authPlugins: { mysql_clear_password: () => async () => 'not-a-token' },
    });
    await expect(connect).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
  });

  test('connections opened after the token lifetime use a new token', async () => {
    // Shorten the lifetime on both sides: the server refuses tokens older than 3 s; the cache
    // re-signs after 1 s and never hands out a token with less than 1 s left.
    await db.setMaxTokenAgeSeconds(3);
    const config = db.config(APP_USER, { DB_POOL_IDLE_TIMEOUT_MS: '300', DB_POOL_MAX_IDLE: '0', DB_POOL_SIZE: '2' });
    const shortTokens = new IamTokenCache({
      sign: rdsTokenSigner({ hostname: config.db.host, port: config.db.port, username: APP_USER, region: 'eu-west-1' }),
      refreshAfterMs: 1_000,
      validityMs: 3_000,
      safetyMarginMs: 1_000,
    });
    const shortPool = createIamPool(config.db, shortTokens);
    try {
      const before = (await db.tokens()).length;
      await shortPool.query('SELECT 1');
      const first = (await db.tokens()).slice(before);
      expect(first).toHaveLength(1);

      await new Promise((r) => setTimeout(r, 4_000)); // idle connection reaped; the first token is now too old
      await expect(
        mysql.createConnection({ host: config.db.host, port: config.db.port, user: APP_USER, ssl: tlsOptions(config.db), authPlugins: { mysql_clear_password: () => async () => first[0]!.token } }),
      ).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });

      await shortPool.query('SELECT 1'); // a new physical connection: must carry a fresh token
      const seen = (await db.tokens()).slice(before).filter((t) => t.user === APP_USER).map((t) => t.token);
      expect(seen.at(-1)).not.toBe(first[0]!.token);
      expect(shortTokens.signatures).toBe(2);
    } finally {
      await shortPool.end();
      await db.setMaxTokenAgeSeconds(900);
    }
  });
});
