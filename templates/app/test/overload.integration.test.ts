/**
 * A stalled database and more requests than the pool can take: requests wait for a connection at
 * most the acquire timeout, requests beyond pool and queue are refused at once (then paced), on a
 * connection that stays open and is read again at once, and refusals are summarised in one log line
 * without stack traces. Also the HTTP semantics of the JSON endpoints (415 for other content types,
 * 405 with Allow).
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Agent, request } from 'node:http';
import mysql from 'mysql2/promise';
import { Admission } from '../src/admission.js';
import { createApp } from '../src/app.js';
import type { Pool } from '../src/db.js';
import { RefusalLog } from '../src/refusal-log.js';
import { RefusalPacer } from '../src/refusal-pacing.js';
import { connectDatabase } from '../src/runtime.js';
import { APP_USER, DATABASE, startTestDatabase, type TestDatabase } from './support/database.js';
import { memoryLogger, serveApp, type Served } from './support/http.js';

jest.setTimeout(90_000);

let db: TestDatabase;
let pool: Pool;
let served: Served;
let admin: mysql.Connection;
const log = memoryLogger();
const refusals = new RefusalLog(log.logger, 60_000); // flushed by the test
const ACQUIRE_TIMEOUT_MS = 2_000;
const admission = new Admission({ maxConcurrent: 2, maxQueued: 3, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS });

/** Waits until the admission holds this many requests (the machine may be slow to deliver them). */
async function until(active: number, waiting: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (admission.load.active !== active || admission.load.waiting !== waiting) {
    if (Date.now() > deadline) throw new Error(`admission at ${JSON.stringify(admission.load)}, expected ${active} active, ${waiting} waiting`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  db = await startTestDatabase();
  await db.migrate();
  ({ pool } = connectDatabase(db.config(APP_USER, { DB_POOL_SIZE: '2', DB_QUERY_TIMEOUT_MS: '20000' }), log.logger));
  served = await serveApp(createApp({ pool, logger: log.logger, admission, refusals }), log.logger);
  admin = await mysql.createConnection({
    host: db.server.host, port: db.server.port, user: db.server.adminUser, password: db.server.adminPassword,
    database: DATABASE, ssl: { ca: db.server.caPem, rejectUnauthorized: true, verifyIdentity: true },
  });
});
afterAll(async () => {
  await admin?.end();
  await served?.close();
  await pool?.end();
  await db?.stop();
});

/** A GET through `agent` (keep-alive): status, error code, headers and when the response ended. */
function viaAgent(agent: Agent, url: string) {
  return new Promise<{ status: number; code?: string; retryAfter?: string; connection?: string; reusedSocket: boolean; at: number }>((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({
        status: res.statusCode!,
        code: (JSON.parse(body) as { error?: { code: string } }).error?.code,
        retryAfter: res.headers['retry-after'],
        connection: res.headers.connection,
        reusedSocket: req.reusedSocket,
        at: performance.now(),
      }));
    });
    req.on('error', reject);
    req.end();
  });
}

const timed = async (path: string, init?: RequestInit) => {
  const started = performance.now();
  const response = await fetch(`${served.url}${path}`, init);
  const body = await response.json() as { error?: { code: string } };
  return { status: response.status, code: body.error?.code, retryAfter: response.headers.get('retry-after'), ms: performance.now() - started };
};

describe('a stalled database', () => {
  test('in flight: pool; waiting: at most the acquire timeout; beyond pool and queue: refused at once', async () => {
    await admin.query('LOCK TABLES items WRITE'); // every read of items now stalls
    try {
      const stalled = [timed('/items'), timed('/items')]; // take both connections
      await until(2, 0);
      const queued = [timed('/items'), timed('/items'), timed('/items')]; // fill the queue
      await until(2, 3);
      const beyond = await Promise.all(Array.from({ length: 20 }, () => timed('/items')));
      for (const r of beyond) {
        expect(r).toMatchObject({ status: 503, code: 'overloaded', retryAfter: '2' });
        // Refused without waiting: far below the acquire timeout even on a busy machine.
        expect(r.ms).toBeLessThan(ACQUIRE_TIMEOUT_MS / 2);
      }
      expect(admission.load).toEqual({ active: 2, waiting: 3 });
      for (const r of await Promise.all(queued)) {
        expect(r).toMatchObject({ status: 503, code: 'database_busy', retryAfter: '2' });
        expect(r.ms).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS - 20);
        expect(r.ms).toBeLessThan(ACQUIRE_TIMEOUT_MS + 2_000);
      }
      await admin.query('UNLOCK TABLES');
      for (const r of await Promise.all(stalled)) expect(r.status).toBe(200);
    } finally {
      await admin.query('UNLOCK TABLES');
    }
    // The turns were all given back: the service serves again.
    expect((await timed('/items')).status).toBe(200);
  });

  test('beyond the pacing rate, refusals wait their turn (within Retry-After) on connections that stay open', async () => {
    // A service of its own: one request at a time, no queue, 10 refusals a second (1 at once).
    const paced = await serveApp(createApp({
      pool, logger: log.logger,
      admission: new Admission({ maxConcurrent: 1, maxQueued: 0, acquireTimeoutMs: ACQUIRE_TIMEOUT_MS }),
      refusalPacer: new RefusalPacer({ ratePerS: 10, maxWaitMs: 2_000 }),
      refusals: new RefusalLog(log.logger, 60_000),
    }), log.logger);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    await admin.query('LOCK TABLES items WRITE');
    try {
      const stalled = fetch(`${paced.url}/items`);
      await new Promise((r) => setTimeout(r, 300)); // the one turn is taken
      const started = performance.now();
      const refused = await Promise.all(Array.from({ length: 6 }, () => viaAgent(agent, `${paced.url}/items`)));
      const times = refused.map((r) => r.at - started).sort((a, b) => a - b);
      for (const r of refused) expect(r).toMatchObject({ status: 503, code: 'overloaded', retryAfter: '2', connection: 'keep-alive' });
      // One at once, five more at 10/s: the last about 500 ms later (a busy machine is late, never early).
      expect(times[5]! - times[0]!).toBeGreaterThanOrEqual(350);
      expect(times[5]! - times[0]!).toBeLessThan(2_000 + 1_000);

      // No hold after a refusal: the next request on the same connection is read and answered at once
      // (behind an ALB, that connection carries other clients' requests).
      const refusal = await viaAgent(agent, `${paced.url}/items`);
      const next = await viaAgent(agent, `${paced.url}/healthz`);
      expect(refusal.status).toBe(503);
      expect(next).toMatchObject({ status: 200, reusedSocket: true });
      expect(next.at - refusal.at).toBeLessThan(500);
      await admin.query('UNLOCK TABLES');
      expect((await stalled).status).toBe(200);
    } finally {
      await admin.query('UNLOCK TABLES');
      agent.destroy();
      await paced.close();
    }
  });

  test('refusals are one summary line, without stack traces or a request line each', () => {
    const before = log.lines.length;
    refusals.flush();
    const lines = log.lines.slice(before);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: 'requests refused with 503', refused: { shed: { count: 20 }, 'acquire-timeout': { count: 3 } } })]);
    expect(admission.load).toEqual({ active: 0, waiting: 0 });
    expect(log.text()).not.toMatch(/"stack"|\bat .+:\d+:\d+/);
    expect(log.lines.filter((l) => l.msg === 'request' && l.status === 503)).toEqual([]);
  });
});

describe('HTTP semantics of the JSON endpoints', () => {
  const send = (method: string, path: string, contentType: string | undefined, body?: string) =>
    fetch(`${served.url}${path}`, { method, body, headers: contentType ? { 'content-type': contentType } : {} });

  test.each([
    ['text/plain', 'POST', '/items'],
    ['application/x-www-form-urlencoded', 'POST', '/items'],
    ['multipart/form-data; boundary=x', 'PUT', '/items/1'],
    [undefined, 'POST', '/items'],
    ['application/jsonx', 'POST', '/items'],
  ])('%s on %s %s is 415', async (contentType, method, path) => {
    const response = await send(method, path, contentType, '{"name":"x"}');
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  test.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json'])('%s is accepted', async (contentType) => {
    expect((await send('POST', '/items', contentType, '{"name":"typed"}')).status).toBe(201);
  });

  test.each([
    ['DELETE', '/healthz', 'GET, HEAD'],
    ['POST', '/readyz', 'GET, HEAD'],
    ['PATCH', '/items/1', 'DELETE, GET, HEAD, PUT'],
    ['POST', '/items/1', 'DELETE, GET, HEAD, PUT'],
    ['DELETE', '/items', 'GET, HEAD, POST'],
  ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
    const response = await send(method, path, undefined);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.json()).toMatchObject({ error: { code: 'method_not_allowed' }, requestId: expect.any(String) });
  });

  test('an unknown path stays 404', async () => {
    expect((await send('DELETE', '/nowhere', undefined)).status).toBe(404);
  });
});
