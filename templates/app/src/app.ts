/**
 * The Hono application: middleware for cross-cutting concerns (request id, request log, secure
 * headers, body limit, JSON errors) and the routes. No I/O happens here until a request arrives.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isDatabaseUnavailable, type Pool } from './db.js';
import { errorResponse } from './errors.js';
import type { Logger } from './logger.js';
import { healthRoutes } from './routes/health.js';
import { itemRoutes } from './routes/items.js';

/** Shared, mutable process state the routes read. */
export interface Lifecycle {
  /** Set on SIGTERM: /readyz answers 503 and responses carry `Connection: close`. */
  draining: boolean;
}

export interface AppEnv {
  Variables: { requestId: string; logger: Logger };
}

export interface AppOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly lifecycle?: Lifecycle;
  /** Per-query timeout. @default 5000 */
  readonly queryTimeoutMs?: number;
  /** Deadline of the readiness round trip. @default 2000 */
  readonly readinessTimeoutMs?: number;
}

export function createApp(options: AppOptions): Hono<AppEnv> {
  const { pool, logger } = options;
  const lifecycle = options.lifecycle ?? { draining: false };
  const app = new Hono<AppEnv>();

  // Honours a well-formed incoming X-Request-Id (e.g. from a caller), else generates one; echoed back.
  app.use(requestId({ limitLength: 128 }));
  // Hono hands only `instanceof Error` throwables to onError; catch the rest (e.g. errors from another realm) too.
  app.use(async (c, next) => {
    try {
      await next();
    } catch (error) {
      c.res = handleError(error, c, logger);
    }
  });
  app.use(async (c, next) => {
    const started = performance.now();
    const log = logger.child({ requestId: c.get('requestId') });
    c.set('logger', log);
    await next();
    if (lifecycle.draining) c.header('Connection', 'close');
    const entry = { method: c.req.method, path: c.req.path, status: c.res.status, durationMs: Math.round((performance.now() - started) * 10) / 10 };
    if (c.res.status >= 500) log.warn(entry, 'request');
    else log.info(entry, 'request');
  });
  app.use(secureHeaders());
  app.use(bodyLimit({ maxSize: 64 * 1024, onError: (c) => errorResponse(c, 413, 'payload_too_large', 'The request body exceeds 64 KiB') }));

  app.route('/', healthRoutes(pool, lifecycle, options.readinessTimeoutMs ?? 2_000));
  app.route('/items', itemRoutes(pool, options.queryTimeoutMs ?? 5_000));

  app.notFound((c) => errorResponse(c, 404, 'not_found', `No route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => handleError(error, c, logger));
  return app;
}

function handleError(error: unknown, c: Context<AppEnv>, logger: Logger): Response {
  const log = c.get('logger') ?? logger;
  if (error instanceof HTTPException) {
    // e.g. malformed JSON from the validator: the client's fault, the message is safe to return.
    return errorResponse(c, error.status as ContentfulStatusCode, 'invalid_request', error.message || 'Bad request');
  }
  if (isDatabaseUnavailable(error)) {
    log.error({ err: error }, 'database unavailable');
    c.header('Retry-After', '2');
    return errorResponse(c, 503, 'database_unavailable', 'The database is temporarily unavailable');
  }
  log.error({ err: error }, 'unhandled error');
  return errorResponse(c, 500, 'internal_error', 'Internal server error');
}
