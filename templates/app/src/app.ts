/**
 * The Hono application: the routes, admission control in front of the database, body limit, JSON
 * errors and 405 with Allow. No I/O happens here until a request arrives.
 *
 * What every request needs (request id, security headers, request log) is not middleware here but
 * Node-level request context (request-context.ts, served by http-server.ts): with no middleware in
 * its way, a synchronous route such as /healthz is answered on @hono/node-server's direct path.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Admission } from './admission.js';
import { isDatabaseUnavailable, type Pool } from './db.js';
import { errorResponse } from './errors.js';
import { requestLogger, type Logger } from './logger.js';
import { RefusalLog } from './refusal-log.js';
import { DEFAULT_REFUSALS_PER_S, RefusalPacer } from './refusal-pacing.js';
import { markRefused, type Lifecycle, type ServiceBindings } from './request-context.js';
import { healthRoutes } from './routes/health.js';
import { itemRoutes } from './routes/items.js';
import { allowedMethodsFor } from './routing.js';

export type { Lifecycle };

export interface AppEnv {
  Bindings: ServiceBindings;
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
  /** Pace of refusals beyond admission. @default 250 per second, each waiting at most `Retry-After` */
  readonly refusalPacer?: RefusalPacer;
  /** Summary of refused requests. @default one line per second through `logger` */
  readonly refusals?: RefusalLog;
}

/** `Retry-After` of a refusal (admission), in seconds; also the longest a paced refusal waits. */
export const RETRY_AFTER_S = 2;

export function createApp(options: AppOptions): Hono<AppEnv> {
  const { pool, logger } = options;
  const lifecycle = options.lifecycle ?? { draining: false };
  const refusals = options.refusals ?? new RefusalLog(logger);
  const admission = options.admission ?? new Admission({
    maxConcurrent: pool.pool.config.connectionLimit ?? 10,
    maxQueued: pool.pool.config.queueLimit || 100,
    acquireTimeoutMs: 2_000,
  });
  const pacer = options.refusalPacer ?? new RefusalPacer({ ratePerS: DEFAULT_REFUSALS_PER_S, maxWaitMs: RETRY_AFTER_S * 1000 });
  const onError = (error: unknown, c: Context<AppEnv>) => handleError(error, c, logger, refusals);
  const app = new Hono<AppEnv>();

  // Only requests that can carry a body: reading `body` would make every GET build a full Request.
  app.on(['POST', 'PUT', 'PATCH'], '*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => errorResponse(c, 413, 'payload_too_large', 'The request body exceeds 64 KiB') }));

  app.route('/', healthRoutes(pool, lifecycle, logger, options.readinessTimeoutMs ?? 2_000));
  // ('/items/*' covers '/items' too.)
  app.use('/items/*', everyErrorAnswered(onError), admitted(admission, pacer, refusals));
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
  app.onError(onError);
  return app;
}

/**
 * Hono's onError sees only `instanceof Error` of its own realm; anything else thrown below (a
 * database error from another realm under jest's VM, a thrown string) is answered here.
 */
function everyErrorAnswered(onError: (error: unknown, c: Context<AppEnv>) => Response): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    try {
      await next();
    } catch (error) {
      c.res = onError(error, c);
    }
  };
}

/**
 * Admission control: a turn on the pool, or a 503 without an exception or a request line of its own.
 * Refusals beyond pool and queue are paced (refusal-pacing.ts); the connection stays open (keep-alive)
 * and is read again at once.
 */
function admitted(admission: Admission, pacer: RefusalPacer, refusals: RefusalLog): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let turn = admission.acquire();
    if (turn instanceof Promise) turn = await turn;
    if (typeof turn === 'string') {
      refusals.count(turn);
      markRefused(c);
      c.header('Retry-After', String(RETRY_AFTER_S));
      if (turn === 'acquire-timeout') return errorResponse(c, 503, 'database_busy', 'No database connection became free in time; retry shortly');
      const answer = pacer.turn();
      if (answer === 'close') c.header('Connection', 'close');
      else if (answer !== 'now') await answer;
      return errorResponse(c, 503, 'overloaded', 'The service is at capacity; retry shortly');
    }
    try {
      return await next();
    } finally {
      turn();
    }
  };
}

function handleError(error: unknown, c: Context<AppEnv>, logger: Logger, refusals: RefusalLog): Response {
  if (error instanceof HTTPException) {
    // e.g. malformed JSON from the validator: the client's fault, the message is safe to return.
    return errorResponse(c, error.status as ContentfulStatusCode, 'invalid_request', error.message || 'Bad request');
  }
  if (isDatabaseUnavailable(error)) {
    // An outage fails every request alike: counted and summarised, never a stack trace per request.
    const { code, message } = error as { code?: unknown; message?: unknown };
    refusals.count(`database-unavailable:${typeof code === 'string' ? code : 'unknown'}`, typeof message === 'string' ? message.slice(0, 200) : undefined);
    markRefused(c);
    c.header('Retry-After', String(RETRY_AFTER_S));
    return errorResponse(c, 503, 'database_unavailable', 'The database is temporarily unavailable');
  }
  requestLogger(logger, c).error({ err: error }, 'unhandled error');
  return errorResponse(c, 500, 'internal_error', 'Internal server error');
}
