/**
 * Minimal reference apps for the bench's /healthz comparison, each run in its own process:
 * `tsx bench/reference-servers.ts express|fastify` prints `{"port":N}` once listening.
 */
import express from 'express';
import Fastify from 'fastify';

const kind = process.argv[2];
const body = { status: 'ok' };

if (kind === 'express') {
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json(body);
  });
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
  });
} else if (kind === 'fastify') {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => body);
  await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(JSON.stringify({ port: (app.server.address() as { port: number }).port }));
} else {
  console.error(`unknown reference server ${kind ?? ''}: expected express or fastify`);
  process.exit(2);
}
