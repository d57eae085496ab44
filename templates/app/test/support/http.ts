/** Serves a Hono app on a free loopback port for real HTTP requests; collects the JSON log lines. */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Hono } from 'hono';
import { createLogger, type Logger } from '../../src/logger.js';

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveApp(app: Hono<any>): Promise<Served> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server;
  });
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
