/** Outages and shutdown: a database restart, and SIGTERM with a request in flight (a real child process). */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import mysql from 'mysql2/promise';
import { createApp } from '../src/app.js';
import { connectDatabase } from '../src/runtime.js';
import { APP_USER, DATABASE, startTestDatabase, type TestDatabase } from './support/database.js';
import { memoryLogger, serveApp } from './support/http.js';

jest.setTimeout(90_000);

let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase();
  await db.migrate();
});
afterAll(async () => db?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the pool recovers after the database restarts; /readyz answers 503 meanwhile; nothing crashes', async () => {
  const log = memoryLogger();
  const { pool } = connectDatabase(db.config(APP_USER, { DB_CONNECT_TIMEOUT_MS: '1000' }), log.logger);
  const served = await serveApp(createApp({ pool, logger: log.logger, readinessTimeoutMs: 1_000 }), log.logger);
  const status = async (path: string) => (await fetch(`${served.url}${path}`)).status;
  try {
    // Several pooled connections exist when the database goes away.
    await Promise.all(Array.from({ length: 5 }, () => fetch(`${served.url}/items`)));
    expect(await status('/readyz')).toBe(200);

    await db.server.halt();
    for (let i = 0; i < 5; i += 1) {
      expect(await status('/readyz')).toBe(503);
      const items = await fetch(`${served.url}/items`);
      expect(items.status).toBe(503);
      expect(await items.json()).toMatchObject({ error: { code: 'database_unavailable' }, requestId: expect.any(String) });
    }
    expect(await status('/healthz')).toBe(200); // liveness does not depend on the database

    await db.server.resume();
    const deadline = Date.now() + 30_000;
    while ((await status('/readyz')) !== 200) {
      if (Date.now() > deadline) throw new Error('did not become ready again');
      await sleep(200);
    }
    expect(await status('/items')).toBe(200);
  } finally {
    await served.close();
    await pool.end();
  }
});

describe('SIGTERM', () => {
  test('lets the in-flight request finish, refuses new connections, closes the pool and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { ...process.env, ...db.env(APP_USER, { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DB_QUERY_TIMEOUT_MS: '20000' }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: Record<string, any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const listening = new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${JSON.stringify(lines)}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line);
        lines.push(entry);
        if (entry.msg === 'listening') resolve(entry.port as number);
      });
    });
    const port = await listening;
    const url = `http://127.0.0.1:${port}`;

    // Hold a write lock on the table so GET /items stays in flight until we release it.
    const admin = await mysql.createConnection({
      host: db.server.host, port: db.server.port, user: db.server.adminUser, password: db.server.adminPassword,
      database: DATABASE, ssl: { ca: db.server.caPem, rejectUnauthorized: true, verifyIdentity: true },
    });
    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      await admin.query('LOCK TABLES items WRITE');
      const inFlight = fetch(`${url}/items`);
      await sleep(300);
      child.kill('SIGTERM');
      await sleep(500);
      expect(child.exitCode).toBeNull(); // still finishing the request
      await expect(fetch(`${url}/healthz`)).rejects.toThrow(); // no new connections
      await admin.query('UNLOCK TABLES');
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ items: expect.any(Array) });
      expect(await exited).toBe(0);
      const messages = lines.map((l) => l.msg);
      expect(messages).toEqual(expect.arrayContaining(['shutting down: draining', 'http server closed; closing database pool', 'shutdown complete']));
      expect(lines.find((l) => l.msg === 'request' && l.path === '/items')).toMatchObject({ status: 200 });
    } finally {
      await admin.end();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
