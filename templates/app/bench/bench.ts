/**
 * `npm run bench`, on a real local MariaDB (the tests' harness), in three parts:
 *
 * 1. IAM-token pool vs plain pool: the DB-backed read endpoint (GET /items/:id) with the service's
 *    IAM pool side by side with a plain mysql2 pool (password auth, same TLS, same query, same app).
 *    Prints requests/s, the throughput ratio and p99, and token signatures per refresh interval.
 * 2. Overload: the service (built, run as in its image, logging at info to a pipe) at 1x, 2x and
 *    10x its capacity (pool + queue) of concurrent clients that retry at once: successful
 *    requests/s, their p99, refusals/s, the service's CPU time per successful request, log volume;
 *    the same 10x with refusal pacing off (every 503 at once) for comparison; and resident memory
 *    during and after a long run at 10x.
 * 3. The cheap path: GET /healthz of the service against a minimal Express 5 app and a Fastify app:
 *    requests/s and the server's CPU time per request (user + system, from /proc), which does not
 *    depend on how the scheduler shares a busy machine between the servers and the load generator.
 *
 * Every server and the load generator run in processes of their own (processes.ts). Figures are
 * medians of alternating rounds; the machine's load average is printed with every table.
 * `BENCH_PARTS=iam,overload,healthz` picks parts. Needs root (the harness writes a PAM service to
 * /etc/pam.d) and the project's root `npm install`.
 */
import { loadavg } from 'node:os';
import mysql from 'mysql2/promise';
import { createApp } from '../src/app.js';
import { createIamPool, poolOptions, type Pool } from '../src/db.js';
import { IamTokenCache, rdsTokenSigner } from '../src/iam-token-cache.js';
import { createLogger } from '../src/logger.js';
import { APP_USER, DATABASE, startTestDatabase, type TestDatabase } from '../test/support/database.js';
import { serveApp } from '../test/support/http.js';
import { buildService, startLoadGenerator, startReference, startService, type LoadGenerator, type ServerProcess } from './processes.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const REFRESH_AFTER_MS = Number(process.env.BENCH_TOKEN_REFRESH_MS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OVERLOAD_S = Number(process.env.BENCH_OVERLOAD_S ?? 6);
const MEMORY_S = Number(process.env.BENCH_MEMORY_S ?? 30);
const HEALTHZ_S = Number(process.env.BENCH_HEALTHZ_S ?? 5);
const HEALTHZ_CONNECTIONS = Number(process.env.BENCH_HEALTHZ_CONNECTIONS ?? 50);
// More load-generator threads than the server has: on a busy machine each thread gets a similar share
// of the cores, and the server, not the load generator, should be the limit.
const HEALTHZ_WORKERS = Number(process.env.BENCH_HEALTHZ_WORKERS ?? 4);
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
const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');

/**
 * A measurement with the CPU time the server and the load generator used over it: the server's per
 * successful request (its own cost) and both as a share of one core (which of them was the limit).
 */
async function measured(generator: LoadGenerator, server: ServerProcess, path: string, connections: number, durationS: number, workers?: number) {
  const [serverBefore, generatorBefore] = [await server.cpuMs(), await generator.cpuMs()];
  const result = await generator.run({ url: `${server.url}${path}`, connections, durationS, workers });
  const [serverMs, generatorMs] = [(await server.cpuMs()) - serverBefore, (await generator.cpuMs()) - generatorBefore];
  const wallMs = result.durationS * 1000;
  return { ...result, cpuUsPerOk: (serverMs * 1000) / Math.max(1, result.okPerS * result.durationS), cpuShare: serverMs / wallMs, generatorShare: generatorMs / wallMs };
}

const silent = createLogger('silent');
buildService();
const db = await startTestDatabase();
const generator = await startLoadGenerator();
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
  await generator.stop();
  await db.stop();
}

/** Part 1: the IAM-token pool against a plain password pool (servers in the bench's process). */
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

  const iam = await serveApp(createApp({ pool: iamPool, logger: silent }), silent);
  const plain = await serveApp(createApp({ pool: plainPool, logger: silent }), silent);

  const run = (url: string) => generator.run({ url: `${url}${path}`, connections: CONNECTIONS, durationS: DURATION_S });
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
      results[name].rps.push(r.okPerS);
      results[name].p99.push(r.okP99);
      results[name].errors += r.errors + Math.round(r.refusedPerS * r.durationS);
    }
  }
  const elapsedMs = Date.now() - started;
  const ratio = median(results.iam.rps) / median(results.plain.rps);
  const signatures = tokens.signatures - signaturesBefore;
  const intervals = elapsedMs / REFRESH_AFTER_MS;

  console.log(`\nGET ${path}: ${CONNECTIONS} connections, ${ROUNDS} x ${DURATION_S}s per pool, alternating; load average ${load()}`);
  console.table({
    'IAM-token pool': { 'req/s': Math.round(median(results.iam.rps)), 'p99 ms': round1(median(results.iam.p99)), errors: results.iam.errors },
    'plain mysql2 pool': { 'req/s': Math.round(median(results.plain.rps)), 'p99 ms': round1(median(results.plain.p99)), errors: results.plain.errors },
  });
  console.log(`throughput ratio (IAM / plain): ${ratio.toFixed(3)} (target >= 0.85): ${verdict(ratio >= 0.85)}`);
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

type Measured = Awaited<ReturnType<typeof measured>>;

/**
 * Part 2: goodput at 1x, 2x and 10x capacity (and 10x with every refusal answered at once), then
 * resident memory over a long 10x run.
 */
async function overload(db: TestDatabase, path: string): Promise<boolean> {
  const env = (extra: Record<string, string> = {}) =>
    db.env(APP_USER, { DB_POOL_SIZE: String(POOL_SIZE), DB_POOL_QUEUE_LIMIT: String(QUEUE_LIMIT), LOG_LEVEL: 'info', ...extra });
  const service = await startService(env());
  const unpaced = await startService(env({ DB_POOL_REFUSALS_PER_S: '0' }));
  try {
    const levels = [
      { name: `1x (${CAPACITY} clients)`, server: service, clients: CAPACITY },
      { name: `2x (${CAPACITY * 2} clients)`, server: service, clients: CAPACITY * 2 },
      { name: `10x (${CAPACITY * 10} clients)`, server: service, clients: CAPACITY * 10 },
      { name: '10x, refusals not paced', server: unpaced, clients: CAPACITY * 10 },
    ];
    const runs = new Map<string, Measured[]>(levels.map((l) => [l.name, []]));
    const logBytes = new Map<string, number[]>(levels.map((l) => [l.name, []]));
    for (const s of [service, unpaced]) await measured(generator, s, path, CAPACITY, 2); // warm-up
    const rssBefore = await service.rssMb();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const level of levels) {
        const before = level.server.logBytes();
        runs.get(level.name)!.push(await measured(generator, level.server, path, level.clients, OVERLOAD_S));
        logBytes.get(level.name)!.push((level.server.logBytes() - before) / OVERLOAD_S);
      }
    }
    const table: Record<string, Record<string, number>> = {};
    for (const { name } of levels) {
      const r = runs.get(name)!;
      table[name] = {
        'ok req/s': Math.round(median(r.map((x) => x.okPerS))),
        'ok p99 ms': round1(median(r.map((x) => x.okP99))),
        '503/s': Math.round(median(r.map((x) => x.refusedPerS))),
        'other errors': r.reduce((a, x) => a + x.errors, 0),
        'server CPU µs/ok': round1(median(r.map((x) => x.cpuUsPerOk))),
        'server CPU %': Math.round(median(r.map((x) => x.cpuShare)) * 100),
        'load gen CPU %': Math.round(median(r.map((x) => x.generatorShare)) * 100),
        'log KB/s': round1(median(logBytes.get(name)!) / 1024),
      };
    }
    console.log(
      `\nOverload: GET ${path}, capacity ${CAPACITY} (pool ${POOL_SIZE} + queue ${QUEUE_LIMIT}), clients retry at once, ` +
        `${ROUNDS} x ${OVERLOAD_S}s per level, alternating; load average ${load()}`,
    );
    console.table(table);
    const okAt = (name: string) => median(runs.get(name)!.map((x) => x.okPerS));
    const goodput = okAt(levels[2]!.name) / okAt(levels[0]!.name);
    console.log(`goodput ratio (10x / 1x): ${goodput.toFixed(3)} (target >= 0.8): ${verdict(goodput >= 0.8)}`);
    console.log(`  without pacing (DB_POOL_REFUSALS_PER_S=0): ${(okAt(levels[3]!.name) / okAt(levels[0]!.name)).toFixed(3)}`);
    await unpaced.stop();

    // Long run at 10x: resident memory must level off, not grow with the run.
    const samples: number[] = [];
    const sampler = setInterval(() => void service.rssMb().then((mb) => samples.push(mb)), 5_000);
    const logBefore = service.logBytes();
    const long = await measured(generator, service, path, CAPACITY * 10, MEMORY_S);
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
    await unpaced.stop();
  }
}

/** Part 3: GET /healthz of the service against minimal Express 5 and Fastify apps, same run. */
async function healthz(db: TestDatabase): Promise<boolean> {
  const SERVICE = 'service (Hono)';
  const EXPRESS = 'Express 5 (minimal)';
  const servers: Record<string, ServerProcess> = {
    [SERVICE]: await startService(db.env(APP_USER, { LOG_LEVEL: 'info' })),
    [EXPRESS]: await startReference('express'),
    'Fastify 5 (minimal)': await startReference('fastify'),
  };
  try {
    const results = new Map<string, Measured[]>(Object.keys(servers).map((k) => [k, []]));
    for (const s of Object.values(servers)) await measured(generator, s, '/healthz', HEALTHZ_CONNECTIONS, 2, HEALTHZ_WORKERS); // warm-up
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, s] of Object.entries(servers)) {
        results.get(name)!.push(await measured(generator, s, '/healthz', HEALTHZ_CONNECTIONS, HEALTHZ_S, HEALTHZ_WORKERS));
      }
    }
    console.log(
      `\nGET /healthz: ${HEALTHZ_CONNECTIONS} connections (${HEALTHZ_WORKERS} autocannon workers), ${ROUNDS} x ${HEALTHZ_S}s per server, ` +
        `alternating; load average ${load()}`,
    );
    const table: Record<string, Record<string, number>> = {};
    for (const [name, r] of results) {
      table[name] = {
        'req/s': Math.round(median(r.map((x) => x.okPerS))),
        'p99 ms': round1(median(r.map((x) => x.okP99))),
        'server CPU µs/req': round1(median(r.map((x) => x.cpuUsPerOk))),
        'server CPU %': Math.round(median(r.map((x) => x.cpuShare)) * 100),
        'load gen CPU %': Math.round(median(r.map((x) => x.generatorShare)) * 100),
        errors: r.reduce((a, x) => a + x.errors, 0),
      };
    }
    console.table(table);
    // req/s follows how the scheduler shares the cores (a server below 100% CPU was waiting for the
    // load generator or the scheduler); CPU time per request is the server's own cost.
    const rate = median(results.get(SERVICE)!.map((x) => x.okPerS)) / median(results.get(EXPRESS)!.map((x) => x.okPerS));
    const cost = median(results.get(SERVICE)!.map((x) => x.cpuUsPerOk)) / median(results.get(EXPRESS)!.map((x) => x.cpuUsPerOk));
    console.log(`service / Express, req/s: ${rate.toFixed(3)} (target >= 1): ${verdict(rate >= 1)}`);
    console.log(`service / Express, server CPU per request: ${cost.toFixed(3)} (target <= 0.75): ${verdict(cost <= 0.75)}`);
    return rate >= 1 && cost <= 0.75;
  } finally {
    for (const s of Object.values(servers)) await s.stop();
  }
}
