/**
 * `npm run bench`: the service's DB-backed read endpoint (GET /items/:id, IAM-token pool) side by side
 * with a plain mysql2 pool (password auth, same TLS, same query, same Hono app), on a real local
 * MariaDB. Prints requests/s, the throughput ratio and p99 latency, and counts token signatures per
 * refresh interval (the refresh interval is shortened so a run spans several).
 *
 * Needs root (the harness writes a PAM service to /etc/pam.d) and the project's root `npm install`.
 */
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { createApp } from '../src/app.js';
import { createIamPool, poolOptions, type Pool } from '../src/db.js';
import { IamTokenCache, rdsTokenSigner } from '../src/iam-token-cache.js';
import { createLogger } from '../src/logger.js';
import { APP_USER, DATABASE, startTestDatabase } from '../test/support/database.js';
import { serveApp } from '../test/support/http.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const REFRESH_AFTER_MS = Number(process.env.BENCH_TOKEN_REFRESH_MS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

const silent = createLogger('silent');
const db = await startTestDatabase();
try {
  await db.migrate(silent);
  await db.server.adminQuery(`INSERT INTO ${DATABASE}.items (name, description, created_at, updated_at) VALUES ('bench', 'a row to read', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`);

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
  const [row] = (await plainPool.query<mysql.RowDataPacket[]>('SELECT MIN(id) AS id FROM items'))[0];
  const path = `/items/${row!.id}`;

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
  process.exitCode = ratio >= 0.85 && results.iam.errors === 0 && results.plain.errors === 0 ? 0 : 1;
} finally {
  await db.stop();
}
