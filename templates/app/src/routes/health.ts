/** Liveness (no database) and readiness (a database round trip; 503 while draining or unreachable). */
import { Hono } from 'hono';
import { ping, type Pool } from '../db.js';
import type { AppEnv, Lifecycle } from '../app.js';
import { requestLogger, type Logger } from '../logger.js';

export function healthRoutes(pool: Pool, lifecycle: Lifecycle, logger: Logger, timeoutMs: number): Hono<AppEnv> {
  return new Hono<AppEnv>()
    // Synchronous on purpose: @hono/node-server then answers without awaiting (see request-context.ts).
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      if (lifecycle.draining) return c.json({ status: 'draining' }, 503);
      try {
        await ping(pool, timeoutMs);
        return c.json({ status: 'ready' });
      } catch (error) {
        requestLogger(logger, c).warn({ err: error }, 'readiness check failed');
        return c.json({ status: 'database unavailable' }, 503);
      }
    });
}
