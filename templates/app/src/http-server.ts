/**
 * The service's HTTP server: Node's, with the request context (request id, security headers,
 * request log) around the Hono app's request listener. The server, the tests and the bench all
 * serve the app through this, so they measure and check the same path.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { requestContext, ServiceResponse, type RequestContextOptions } from './request-context.js';

export type HttpServer = Server<typeof IncomingMessage, typeof ServiceResponse>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app environment
export function createHttpServer(app: Hono<any>, options: RequestContextOptions): HttpServer {
  const listener = requestContext(getRequestListener(app.fetch), options);
  return createServer<typeof IncomingMessage, typeof ServiceResponse>({ ServerResponse: ServiceResponse }, listener);
}
