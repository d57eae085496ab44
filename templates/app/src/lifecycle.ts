/**
 * Graceful shutdown. ECS first deregisters the task from the ALB target group, then sends SIGTERM,
 * and SIGKILL after the container's stopTimeout. On SIGTERM: report not-ready, stop accepting
 * connections, let in-flight requests finish, close the pool, exit 0; or exit 1 at the deadline.
 */
import type { HttpServer } from './http-server.js';
import type { Lifecycle } from './app.js';
import type { Pool } from './db.js';
import type { Logger } from './logger.js';

export interface ShutdownOptions {
  readonly server: HttpServer;
  readonly pool: Pool;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  /** Hard deadline for the whole shutdown. */
  readonly timeoutMs: number;
  /** Wait this long (answering /readyz 503) before closing the listener. */
  readonly drainDelayMs: number;
}

/** Wires the shutdown (run once, whichever signal comes first) to SIGTERM and SIGINT. */
export function installGracefulShutdown(options: ShutdownOptions): void {
  const { server, pool, logger, lifecycle } = options;
  let shutdown: Promise<void> | undefined;

  const run = async (signal: string): Promise<void> => {
    lifecycle.draining = true;
    logger.info({ signal }, 'shutting down: draining');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: options.timeoutMs }, 'shutdown deadline reached; closing remaining connections');
      server.closeAllConnections();
      process.exit(1);
    }, options.timeoutMs);
    deadline.unref();
    if (options.drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));

    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets that turn idle after their last response are closed too (responses already
    // carry `Connection: close` while draining).
    const sweeper = setInterval(() => server.closeIdleConnections(), 250);
    server.closeIdleConnections();
    await closed;
    clearInterval(sweeper);
    logger.info('http server closed; closing database pool');
    await pool.end().catch((error: unknown) => logger.warn({ err: error }, 'pool did not close cleanly'));
    clearTimeout(deadline);
    logger.info('shutdown complete');
    process.exit(0);
  };

  const trigger = (signal: string): Promise<void> => (shutdown ??= run(signal));
  process.once('SIGTERM', () => void trigger('SIGTERM'));
  process.once('SIGINT', () => void trigger('SIGINT'));
}
