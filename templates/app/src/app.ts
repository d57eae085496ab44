/**
 * The Hono application: middleware for cross-cutting concerns (request id, request log, security
 * headers, body limit, JSON errors, 405 with Allow), admission control in front of the database
 * and the routes. No I/O happens here until a request arrives.
 *
 * The per-request path is kept cheap (see request-context.ts): nothing reads the request body or
 * rewrites the finished response unless it has to, and per-request loggers are made only on demand.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Admission } from './admission.js';
import { isDatabaseUnavailable, type Pool } from './db.js';
import { errorResponse } from './errors.js';
import { requestLogger, type Logger } from './logger.js';
import { RefusalLog } from './refusal-log.js';
import { requestContext } from './request-context.js';
import { healthRoutes } from './routes/health.js';
import { itemRoutes } from './routes/items.js';
import { allowedMethodsFor } from './routing.js';

/** Shared, mutable process state the routes read. */
export interface Lifecycle {
  /** Set on SIGTERM: /readyz answers 503 and responses carry `Connection: close`. */
  draining: boolean;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    /** The service's logger; `requestLogger(c)` adds the request id. */
    logger: Logger;
    /** Set when the request was refused with 503 and counted in the refusal summary instead of logged. */
    refused?: boolean;
  };
}

export interface AppOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly lifecycle?: Lifecycle;
  /** Per-query timeout. @default 5000 */
  readonly queryTimeoutMs?: number;
  /** Deadline of the readiness round trip. @default 2000 */
  readonly readinessTimeoutMs?: number;
  /**
   * Admission in front of the pool. @default the pool's connection limit at once, its queue limit
   * waiting, for at most 2000 ms each
   */
  readonly admission?: Admission;
  /** Summary of refused requests. @default one line per second through `logger` */
  readonly refusals?: RefusalLog;
}

/** `Retry-After` of a refusal (admission), in seconds; also how long its connection is held. */
const RETRY_AFTER_S = 2;

export function createApp(options: AppOptions): Hono<AppEnv> {
  const { pool, logger } = options;
  const lifecycle = options.lifecycle ?? { draining: false };
  const refusals = options.refusals ?? new RefusalLog(logger);
  const admission = options.admission ?? new Admission({
    maxConcurrent: pool.pool.config.connectionLimit ?? 10,
    maxQueued: pool.pool.config.queueLimit || 100,
    acquireTimeoutMs: 2_000,
  });
  const app = new Hono<AppEnv>();

  // Request id (a well-formed incoming X-Request-Id is honoured), security headers, request log and
  // the last-resort error handler: the whole per-request cost of a cheap endpoint.
  app.use(requestContext({ logger, lifecycle, onError: (error, c) => handleError(error, c, refusals) }));
  // Only requests that can carry a body: reading `body` would make every GET build a full Request.
  app.on(['POST', 'PUT', 'PATCH'], '*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => errorResponse(c, 413, 'payload_too_large', 'The request body exceeds 64 KiB') }));

  app.route('/', healthRoutes(pool, lifecycle, options.readinessTimeoutMs ?? 2_000));
  // ('/items/*' covers '/items' too.)
  app.use('/items/*', admitted(admission, refusals));
  app.route('/items', itemRoutes(pool, options.queryTimeoutMs ?? 5_000));

  const allowedMethods = allowedMethodsFor(app);
  app.notFound((c) => {
    const allow = allowedMethods(c.req.path);
    if (allow) {
      c.header('Allow', allow);
      return errorResponse(c, 405, 'method_not_allowed', `${c.req.method} is not supported on ${c.req.path}; allowed: ${allow}`);
    }
    return errorResponse(c, 404, 'not_found', `No route for ${c.req.method} ${c.req.path}`);
  });
  app.onError((error, c) => handleError(error, c, refusals));
  return app;
}

/** Admission control: a turn on the pool, or a cheap 503 (no exception, no per-request log line). */
function admitted(admission: Admission, refusals: RefusalLog): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let turn = admission.acquire();
    if (turn instanceof Promise) turn = await turn;
    if (typeof turn === 'string') {
      refusals.count(turn);
      c.set('refused', true);
      c.header('Retry-After', String(RETRY_AFTER_S));
      holdConnection(c, RETRY_AFTER_S * 1000);
      return turn === 'shed'
        ? errorResponse(c, 503, 'overloaded', 'The service is at capacity; retry shortly')
        : errorResponse(c, 503, 'database_busy', 'No database connection became free in time; retry shortly');
    }
    try {
      return await next();
    } finally {
      turn();
    }
  };
}

/**
 * Honours `Retry-After` for clients that ignore it: the 503 goes out at once, then the keep-alive
 * connection it went out on is not read for `ms`. A client retrying in a tight loop otherwise turns
 * every refusal into another request, and refusals crowd out the requests that succeed (goodput
 * collapses at several times the capacity). Other connections are unaffected.
 */
function holdConnection(c: Context<AppEnv>, ms: number): void {
  const { incoming, outgoing } = (c.env ?? {}) as Partial<HttpBindings>;
  if (!incoming || !outgoing) return;
  outgoing.once('finish', () => {
    const socket = incoming.socket;
    if (socket.destroyed) return;
    socket.pause();
    // Jitter, so held connections do not all come back at the same moment.
    setTimeout(() => socket.resume(), ms * (0.75 + Math.random() / 2)).unref();
  });
}

function handleError(error: unknown, c: Context<AppEnv>, refusals: RefusalLog): Response {
  if (error instanceof HTTPException) {
    // e.g. malformed JSON from the validator: the client's fault, the message is safe to return.
    return errorResponse(c, error.status as ContentfulStatusCode, 'invalid_request', error.message || 'Bad request');
  }
  if (isDatabaseUnavailable(error)) {
    // An outage fails every request alike: counted and summarised, never a stack trace per request.
    const { code, message } = error as { code?: unknown; message?: unknown };
    refusals.count(`database-unavailable:${typeof code === 'string' ? code : 'unknown'}`, typeof message === 'string' ? message.slice(0, 200) : undefined);
    c.set('refused', true);
    c.header('Retry-After', '2');
    return errorResponse(c, 503, 'database_unavailable', 'The database is temporarily unavailable');
  }
  requestLogger(c).error({ err: error }, 'unhandled error');
  return errorResponse(c, 500, 'internal_error', 'Internal server error');
}
