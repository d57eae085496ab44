/**
 * Everything every request needs, in one middleware: the request id, the security headers, the
 * request log and the last-resort error handler.
 *
 * This is the whole per-request cost of a cheap endpoint such as /healthz, so it is kept small:
 * one middleware instead of four, the request id read from Node's parsed headers, and the constant
 * headers written straight onto Node's response (`outgoing.setHeader`, merged by Node into the
 * response head) rather than through a Fetch `Headers` object that @hono/node-server must convert
 * back on every response. Outside Node (`app.request()`), `c.header()` does the same.
 */
import { randomUUID } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, Lifecycle } from './app.js';
import type { Logger } from './logger.js';
import { SECURITY_HEADERS } from './security-headers.js';

/** Paths whose successful answers are logged at debug: load-balancer probes, every few seconds. */
const PROBES = new Set(['/healthz', '/readyz']);

/** An incoming X-Request-Id is honoured when it looks like an id (as hono/request-id checks it). */
const REQUEST_ID = /^[\w\-=]{1,128}$/;

export interface RequestContextOptions {
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  /** Turns anything thrown below into a response (Hono's onError sees only `instanceof Error`). */
  readonly onError: (error: unknown, c: Context<AppEnv>) => Response;
}

export function requestContext(options: RequestContextOptions): MiddlewareHandler<AppEnv> {
  const { logger, lifecycle, onError } = options;
  return async (c, next) => {
    const started = performance.now();
    const { incoming, outgoing } = (c.env ?? {}) as Partial<HttpBindings>;
    const incomingId = incoming ? incoming.headers['x-request-id'] : c.req.header('x-request-id');
    const id = typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    if (outgoing) {
      for (const [name, value] of SECURITY_HEADERS) outgoing.setHeader(name, value);
      outgoing.setHeader('X-Request-Id', id);
    } else {
      for (const [name, value] of SECURITY_HEADERS) c.header(name, value);
      c.header('X-Request-Id', id);
    }
    c.set('requestId', id);
    c.set('logger', logger);

    try {
      await next();
    } catch (error) {
      c.res = onError(error, c);
    }
    if (lifecycle.draining) c.header('Connection', 'close');

    // One line per request at info (5xx at warn), successful probes at debug; refused requests are
    // counted in the refusal summary instead.
    if (c.get('refused')) return;
    const status = c.res.status;
    const level = status >= 500 ? 'warn' : status < 400 && PROBES.has(c.req.path) ? 'debug' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    logger[level]({ requestId: id, method: c.req.method, path: c.req.path, status, durationMs }, 'request');
  };
}
