/**
 * `npm run bench`, on a real local MariaDB (the tests' harness), in three parts:
 *
 * 1. IAM-token pool vs plain pool: the DB-backed read endpoint (GET /items/:id) with the service's
 *    IAM pool side by side with a plain mysql2 pool (password auth, same TLS, same query, same app).
 *    Prints requests/s, the throughput ratio and p99, and token signatures per refresh interval.
 * 2. Overload: the service (its real entry point, in its own process, logging at info to a pipe)
 *    at 1x, 2x and 10x its capacity (pool + queue) of concurrent clients: successful requests/s,
 *    p99 of the successful requests, shed requests/s, log volume, and resident memory after a long
 *    run at 10x.
 * 3. The cheap path: GET /healthz of the service against a minimal Express 5 app and a Fastify app,
 *    each in its own process, in the same run.
 *
 * Figures are medians of alternating rounds; the machine's load average is printed with them.
 * `BENCH_PARTS=iam,overload,healthz` picks parts. Needs root (the harness writes a PAM service to
 * /etc/pam.d) and the project's root `npm install`.
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { createApp } from '../src/app.js';
import { createIamPool, poolOptions, type Pool } from '../src/db.js';
import { IamTokenCache, rdsTokenSigner } from '../src/iam-token-cache.js';
import { createLogger } from '../src/logger.js';
import { APP_USER, DATABASE, startTestDatabase, type TestDatabase } from '../test/support/database.js';
import { serveApp } from '../test/support/http.js';
import { startReference, startService, type ServerProcess } from './processes.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const REFRESH_AFTER_MS = Number(process.env.BENCH_TOKEN_REFRESH_MS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OVERLOAD_S = Number(process.env.BENCH_OVERLOAD_S ?? 8);
const MEMORY_S = Number(process.env.BENCH_MEMORY_S ?? 60);
const HEALTHZ_S = Number(process.env.BENCH_HEALTHZ_S ?? 5);
const HEALTHZ_CONNECTIONS = Number(process.env.BENCH_HEALTHZ_CONNECTIONS ?? 50);
const HEALTHZ_WORKERS = Number(process.env.BENCH_HEALTHZ_WORKERS ?? 2);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'iam,overload,healthz').split(','));
/** The service's capacity in the overload part: pool + queue. */
const POOL_SIZE = 10;
const QUEUE_LIMIT = 100;
const CAPACITY = POOL_SIZE + QUEUE_LIMIT;

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round1 = (x: number) => Math.round(x * 10) / 10;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/**
 * One autocannon run; counts 2xx responses and their latencies separately from the rest. With
 * `workers`, the load generator runs in worker threads (so parsing responses does not limit the
 * rate of a fast server) and only aggregate figures exist: every response is then expected to be 2xx.
 */
async function measure(url: string, connections: number, durationS: number, workers?: number) {
  if (workers) {
    const r = await autocannon({ url, connections, duration: durationS, pipelining: 1, workers });
    return { okPerS: r['2xx'] / r.duration, okP99: r.latency.p99, shedPerS: 0, errors: r.errors + r.timeouts + r.non2xx, rps: r.requests.average, p99: r.latency.p99 };
  }
  const okLatencies: number[] = [];
  let shed = 0;
  let other = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: durationS, pipelining: 1 }, (error, r) => (error ? reject(error) : resolve(r)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) okLatencies.push(responseTime);
      else if (statusCode === 503) shed += 1;
      else other += 1;
    });
  });
  okLatencies.sort((a, b) => a - b);
  const elapsedS = result.duration;
  return {
    okPerS: okLatencies.length / elapsedS,
    okP99: okLatencies.length ? okLatencies[Math.min(okLatencies.length - 1, Math.floor(okLatencies.length * 0.99))]! : NaN,
    shedPerS: shed / elapsedS,
    errors: other + result.errors + result.timeouts,
    rps: result.requests.average,
    p99: result.latency.p99,
  };
}

const silent = createLogger('silent');
const db = await startTestDatabase();
let failed = false;
try {
  await db.migrate(silent);
  await db.server.adminQuery(`INSERT INTO ${DATABASE}.items (name, description, created_at, updated_at) VALUES ('bench', 'a row to read', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`);
  const [row] = await db.server.adminQuery<{ id: number }>(`SELECT MIN(id) AS id FROM ${DATABASE}.items`);
  const path = `/items/${row!.id}`;
  console.log(`load average at start: ${load()} (2 cores; the machine is shared, figures are relative within this run)`);
  if (PARTS.has('iam')) failed = !(await iamVersusPlain(db, path)) || failed;
  if (PARTS.has('overload')) failed = !(await overload(db, path)) || failed;
  if (PARTS.has('healthz')) failed = !(await healthz(db)) || failed;
  console.log(`load average at end: ${load()}`);
  process.exitCode = failed ? 1 : 0;
} finally {
  await db.stop();
}

/** Part 1: the IAM-token pool against a plain password pool (in-process servers, as before). */
async function iamVersusPlain(db: TestDatabase, path: string): Promise<boolean> {
  // The plain pool's user: same grants, password auth (only here, for comparison).
  const password = `bench-${Math.random().toString(36).slice(2)}`;
  await db.server.adminQuery("CREATE USER 'bench_plain'@'%' IDENTIFIED BY ? REQUIRE SSL", [password]);
  await db.server.adminQuery(`GRANT SELECT ON ${DATABASE}.* TO 'bench_plain'@'%'`);

  const config = db.config(APP_USER, { DB_POOL_SIZE: '10', DB_POOL_IDLE_TIMEOUT_MS: '1000' });
  const tokens = new IamTokenCache({
    sign: rdsTokenSigner({ hostname: config.db.host, port: config.db.port, username: APP_USER, region: config.db.region }),
    refreshAfterMs: REFRESH_AFTER_MS,
  });
  let iamConnections = 0;
  const iamPool = createIamPool(config.db, tokens);
  iamPool.pool.on('connection', () => (iamConnections += 1));
  // Same pool options as the IAM pool (TLS, limits, timeouts, charset), only the credentials differ.
  const plainPool: Pool = mysql.createPool({ ...poolOptions(config.db), user: 'bench_plain', password });

  const iam = await serveApp(createApp({ pool: iamPool, logger: silent }));
  const plain = await serveApp(createApp({ pool: plainPool, logger: silent }));

  const run = (url: string) =>
    autocannon({ url: `${url}${path}`, connections: CONNECTIONS, duration: DURATION_S, pipelining: 1 });
  const results: Record<'iam' | 'plain', { rps: number[]; p99: number[]; errors: number }> = {
    iam: { rps: [], p99: [], errors: 0 },
    plain: { rps: [], p99: [], errors: 0 },
  };
  await run(plain.url); // warm-up (JIT, pools)
  const started = Date.now();
  const signaturesBefore = tokens.signatures;
  // Alternate the two so drift (CPU contention, caches) affects both alike.
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const name of ['iam', 'plain'] as const) {
      const r = await run(name === 'iam' ? iam.url : plain.url);
      results[name].rps.push(r.requests.average);
      results[name].p99.push(r.latency.p99);
      results[name].errors += r.errors + r.non2xx;
    }
  }
  const elapsedMs = Date.now() - started;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const ratio = mean(results.iam.rps) / mean(results.plain.rps);
  const signatures = tokens.signatures - signaturesBefore;
  const intervals = elapsedMs / REFRESH_AFTER_MS;

  console.log(`\nGET ${path}: ${CONNECTIONS} connections, ${ROUNDS} x ${DURATION_S}s per pool, alternating`);
  console.table({
    'IAM-token pool': { 'req/s': Math.round(mean(results.iam.rps)), 'p99 ms': Math.round(mean(results.iam.p99) * 10) / 10, errors: results.iam.errors },
    'plain mysql2 pool': { 'req/s': Math.round(mean(results.plain.rps)), 'p99 ms': Math.round(mean(results.plain.p99) * 10) / 10, errors: results.plain.errors },
  });
  console.log(`throughput ratio (IAM / plain): ${ratio.toFixed(3)} (target >= 0.85): ${ratio >= 0.85 ? 'PASS' : 'FAIL'}`);
  console.log(
    `token signatures: ${signatures} in ${(elapsedMs / 1000).toFixed(1)}s = ${(signatures / intervals).toFixed(2)} per ${REFRESH_AFTER_MS} ms refresh interval ` +
      `(new physical connections: ${iamConnections}; at most 1 signature per interval expected)`,
  );
  await iam.close();
  await plain.close();
  await iamPool.end();
  await plainPool.end();
  return ratio >= 0.85 && results.iam.errors === 0 && results.plain.errors === 0;
}

/** Part 2: goodput at 1x, 2x and 10x capacity, log volume, and resident memory after a long 10x run. */
async function overload(db: TestDatabase, path: string): Promise<boolean> {
  const service = await startService(db.env(APP_USER, {
    DB_POOL_SIZE: String(POOL_SIZE), DB_POOL_QUEUE_LIMIT: String(QUEUE_LIMIT), LOG_LEVEL: 'info',
  }));
  try {
    const multipliers = [1, 2, 10] as const;
    const runs = new Map<number, Awaited<ReturnType<typeof measure>>[]>(multipliers.map((m) => [m, []]));
    const logBytes = new Map<number, number[]>(multipliers.map((m) => [m, []]));
    await measure(`${service.url}${path}`, CAPACITY, 3); // warm-up
    const rssBefore = await service.rssMb();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const m of multipliers) {
        const before = service.logBytes();
        runs.get(m)!.push(await measure(`${service.url}${path}`, CAPACITY * m, OVERLOAD_S));
        logBytes.get(m)!.push((service.logBytes() - before) / OVERLOAD_S);
      }
    }
    const table: Record<string, Record<string, number>> = {};
    for (const m of multipliers) {
      const r = runs.get(m)!;
      table[`${m}x (${CAPACITY * m} clients)`] = {
        'ok req/s': Math.round(median(r.map((x) => x.okPerS))),
        'ok p99 ms': round1(median(r.map((x) => x.okP99))),
        'shed 503/s': Math.round(median(r.map((x) => x.shedPerS))),
        'other errors': r.reduce((a, x) => a + x.errors, 0),
        'log KB/s': round1(median(logBytes.get(m)!) / 1024),
      };
    }
    console.log(`\nOverload: GET ${path}, capacity ${CAPACITY} (pool ${POOL_SIZE} + queue ${QUEUE_LIMIT}), ${ROUNDS} x ${OVERLOAD_S}s per level, alternating; load average ${load()}`);
    console.table(table);
    const goodput = median(runs.get(10)!.map((x) => x.okPerS)) / median(runs.get(1)!.map((x) => x.okPerS));
    console.log(`goodput ratio (10x / 1x): ${goodput.toFixed(3)} (target >= 0.8): ${goodput >= 0.8 ? 'PASS' : 'FAIL'}`);

    // Long run at 10x: resident memory must level off, not grow with the run.
    const samples: number[] = [];
    const sampler = setInterval(() => void service.rssMb().then((mb) => samples.push(mb)), 5_000);
    const logBefore = service.logBytes();
    const long = await measure(`${service.url}${path}`, CAPACITY * 10, MEMORY_S);
    clearInterval(sampler);
    const rssAfter = await service.rssMb();
    console.log(
      `memory: RSS ${rssBefore.toFixed(0)} MB before the overload runs, ${rssAfter.toFixed(0)} MB after ${MEMORY_S}s more at 10x ` +
        `(samples every 5 s: ${samples.map((x) => x.toFixed(0)).join(' ')} MB); ${Math.round(long.okPerS)} ok req/s, ` +
        `log ${((service.logBytes() - logBefore) / 1024 / 1024).toFixed(1)} MB in that run`,
    );
    return goodput >= 0.8;
  } finally {
    await service.stop();
  }
}

/** Part 3: GET /healthz of the service against minimal Express 5 and Fastify apps, same run. */
async function healthz(db: TestDatabase): Promise<boolean> {
  const servers: Record<string, ServerProcess> = {
    'service (Hono)': await startService(db.env(APP_USER, { LOG_LEVEL: 'info' })),
    'Express 5 (minimal)': await startReference('express'),
    'Fastify 5 (minimal)': await startReference('fastify'),
  };
  try {
    const results = new Map<string, { rps: number[]; p99: number[]; errors: number; cpuMs: number; requests: number }>(
      Object.keys(servers).map((k) => [k, { rps: [], p99: [], errors: 0, cpuMs: 0, requests: 0 }]),
    );
    for (const s of Object.values(servers)) await measure(`${s.url}/healthz`, HEALTHZ_CONNECTIONS, 2, HEALTHZ_WORKERS); // warm-up
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, s] of Object.entries(servers)) {
        const cpuBefore = await s.cpuMs();
        const r = await measure(`${s.url}/healthz`, HEALTHZ_CONNECTIONS, HEALTHZ_S, HEALTHZ_WORKERS);
        const entry = results.get(name)!;
        entry.cpuMs += (await s.cpuMs()) - cpuBefore;
        entry.requests += r.okPerS * HEALTHZ_S;
        entry.rps.push(r.okPerS);
        entry.p99.push(r.p99);
        entry.errors += r.errors + Math.round(r.shedPerS * HEALTHZ_S);
      }
    }
    console.log(`\nGET /healthz: ${HEALTHZ_CONNECTIONS} connections (${HEALTHZ_WORKERS} autocannon workers), ${ROUNDS} x ${HEALTHZ_S}s per server, alternating; load average ${load()}`);
    const table: Record<string, Record<string, number>> = {};
    for (const [name, r] of results) {
      table[name] = { 'req/s': Math.round(median(r.rps)), 'p99 ms': round1(median(r.p99)), 'server CPU µs/req': round1((r.cpuMs * 1000) / r.requests), errors: r.errors };
    }
    console.table(table);
    // On a shared machine req/s follows the scheduler; CPU time per request is the server's own cost.
    const ratio = median(results.get('service (Hono)')!.rps) / median(results.get('Express 5 (minimal)')!.rps);
    console.log(`service / Express: ${ratio.toFixed(3)} (target >= 1): ${ratio >= 1 ? 'PASS' : 'FAIL'}`);
    return ratio >= 1;
  } finally {
    for (const s of Object.values(servers)) await s.stop();
  }
}
