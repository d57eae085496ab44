/**
 * The per-request context below the app (src/request-context.ts): every response carries the
 * security headers and the request id whichever way it is written, the handler's own value of such
 * a header wins, probes are logged at debug and other requests at info, refused requests get no
 * line of their own, and responses close their connection while draining.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Agent, request } from 'node:http';
import { Hono } from 'hono';
import type { AppEnv } from '../src/app.js';
import { markRefused, requestIdOf, type Lifecycle } from '../src/request-context.js';
import { SECURITY_HEADERS } from '../src/security-headers.js';
import { memoryLogger, serveApp, type Served } from './support/http.js';

const log = memoryLogger();
const lifecycle: Lifecycle = { draining: false };
let served: Served;
/** Keep-alive, like a load balancer's connections to the service. */
const agent = new Agent({ keepAlive: true });

beforeAll(async () => {
  const app = new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' })) // synchronous: the adapter's direct path
    .get('/async', async (c) => {
      await new Promise((r) => setTimeout(r, 1));
      return c.json({ requestId: requestIdOf(c) });
    })
    .get('/framed', (c) => c.body('x', 200, { 'X-Frame-Options': 'DENY' }))
    .get('/stream', (c) => c.body(new ReadableStream({ start: (controller) => { controller.enqueue(new TextEncoder().encode('chunk')); controller.close(); } })))
    .get('/refused', (c) => {
      markRefused(c);
      return c.json({ error: 'overloaded' }, 503);
    })
    .get('/throws', () => {
      throw new Error('boom');
    })
    .onError((_error, c) => c.text('failed', 500));
  served = await serveApp(app, log.logger, lifecycle);
});
afterAll(async () => {
  agent.destroy();
  await served?.close();
});

/** Raw response headers, so duplicates would show. */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; raw: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${served.url}${path}`, { headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, raw: res.rawHeaders, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const all = (raw: string[], name: string) => raw.flatMap((h, i) => (i % 2 === 0 && h.toLowerCase() === name ? [raw[i + 1]!] : []));

describe('every response carries the security headers and the request id, once', () => {
  test.each(['/healthz', '/async', '/stream', '/throws', '/nowhere'])('%s', async (path) => {
    const { raw } = await get(path);
    for (const [name, value] of SECURITY_HEADERS) expect(all(raw, name)).toEqual([value]);
    expect(all(raw, 'x-request-id')).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });

  test('a well-formed X-Request-Id is honoured and reaches the handler; a malformed one is replaced', async () => {
    const honoured = await get('/async', { 'x-request-id': 'caller-id-1' });
    expect(all(honoured.raw, 'x-request-id')).toEqual(['caller-id-1']);
    expect(JSON.parse(honoured.body)).toEqual({ requestId: 'caller-id-1' });
    const replaced = await get('/async', { 'x-request-id': 'no spaces allowed' });
    expect(all(replaced.raw, 'x-request-id')).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });

  test("a handler's own value of a security header replaces the default", async () => {
    const { raw } = await get('/framed');
    expect(all(raw, 'x-frame-options')).toEqual(['DENY']);
    expect(all(raw, 'x-content-type-options')).toEqual(['nosniff']);
  });
});

describe('the request log', () => {
  test('probes at debug, other requests at info, 5xx at warn, refused requests not at all', async () => {
    for (const [path, id] of [['/healthz', 'probe-1'], ['/async', 'plain-1'], ['/throws', 'failed-1'], ['/refused', 'refused-1']] as const) {
      await get(path, { 'x-request-id': id });
    }
    // The line is written once the response is out; give the event loop a turn.
    await new Promise((r) => setTimeout(r, 20));
    const line = (id: string) => log.lines.find((l) => l.msg === 'request' && l.requestId === id);
    expect(line('probe-1')).toMatchObject({ level: 'debug', method: 'GET', path: '/healthz', status: 200, durationMs: expect.any(Number) });
    expect(line('plain-1')).toMatchObject({ level: 'info', path: '/async', status: 200 });
    expect(line('failed-1')).toMatchObject({ level: 'warn', path: '/throws', status: 500 });
    expect(line('refused-1')).toBeUndefined();
  });
});

test('while draining, responses close their connection', async () => {
  lifecycle.draining = true;
  try {
    const { raw } = await get('/healthz');
    expect(all(raw, 'connection')).toEqual(['close']);
    for (const [name, value] of SECURITY_HEADERS) expect(all(raw, name)).toEqual([value]);
  } finally {
    lifecycle.draining = false;
  }
  expect(all((await get('/healthz')).raw, 'connection')).toEqual(['keep-alive']);
});
