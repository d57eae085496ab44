/** Serves a Hono app on a free loopback port for real HTTP requests; collects the JSON log lines. */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Hono } from 'hono';
import { createHttpServer } from '../../src/http-server.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { Lifecycle } from '../../src/request-context.js';

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `app` as the service does (src/http-server.ts), request lines through `logger`. */
export async function serveApp(app: Hono<any>, logger: Logger, lifecycle: Lifecycle = { draining: false }): Promise<Served> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const server = createHttpServer(app, { logger, lifecycle });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A logger whose lines land in `lines` (parsed JSON). */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[]; text: () => string } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      raw.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger('debug', stream);
  return {
    logger,
    get lines() {
      return raw.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join(''),
  };
}
