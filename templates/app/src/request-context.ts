/**
 * Everything every request needs, below the Hono app, on Node's own request and response: the
 * request id, the security headers, `Connection: close` while draining, and the request log.
 *
 * This is the whole per-request cost of a cheap endpoint such as /healthz, so none of it is Hono
 * middleware: any middleware makes Hono's dispatch asynchronous, and @hono/node-server then awaits
 * the response and registers a close listener per request. With no middleware, a synchronous route
 * (/healthz) takes the adapter's direct path. The constant headers are added in one step when the
 * head is written (`ServiceResponse.writeHead`) instead of a `setHeader` call (validated and stored
 * one by one) per header. Measured with `npm run bench` (server CPU time per request) and
 * `node --cpu-prof`.
 */
import { randomUUID } from 'node:crypto';
import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { Logger } from './logger.js';
import { SECURITY_HEADERS } from './security-headers.js';

/** Shared, mutable process state the routes read. */
export interface Lifecycle {
  /** Set on SIGTERM: /readyz answers 503 and responses carry `Connection: close`. */
  draining: boolean;
}

/** Paths whose successful answers are logged at debug: load-balancer probes, every few seconds. */
const PROBES = new Set(['/healthz', '/readyz']);

/** An incoming X-Request-Id is honoured when it looks like an id (as hono/request-id checks it). */
const REQUEST_ID = /^[\w\-=]{1,128}$/;

/** Lower-case names of the headers every response carries unless the handler set its own value. */
const SERVICE_HEADER_NAMES = new Set([...SECURITY_HEADERS.map(([name]) => name), 'x-request-id']);

type HeadValue = number | string | readonly string[];

/** Node's response, whose head always carries the security headers and the request id. */
export class ServiceResponse extends ServerResponse<IncomingMessage> {
  /** The caller's well-formed X-Request-Id, or a new UUID; set before the app sees the request. */
  requestId = '';
  /** Counted in the refusal summary instead of logged as a request line. */
  refused = false;

  // Every way of answering ends here: @hono/node-server calls it, and so does Node for implicit heads.
  override writeHead(statusCode: number, reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    const [message, given] = typeof reason === 'string' ? [reason, headers] : [undefined, reason];
    const head = withServiceHeaders(given, this.requestId) as OutgoingHttpHeader[];
    return message === undefined ? super.writeHead(statusCode, head) : super.writeHead(statusCode, message, head);
  }
}

/** The handler's headers as a flat [name, value, …] list, then each service header it did not set. */
function withServiceHeaders(given: OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined, requestId: string): HeadValue[] {
  const head: HeadValue[] = [];
  let overridden: Set<string> | undefined;
  const add = (name: string, value: HeadValue | undefined) => {
    if (value === undefined) return;
    const lower = name.toLowerCase();
    if (SERVICE_HEADER_NAMES.has(lower)) (overridden ??= new Set()).add(lower);
    head.push(name, value);
  };
  if (Array.isArray(given)) {
    // Node accepts [[name, value], …] and [name, value, …].
    if (Array.isArray(given[0])) for (const [name, value] of given as unknown as [string, HeadValue][]) add(name, value);
    else for (let i = 0; i < given.length; i += 2) add(String(given[i]), given[i + 1] as HeadValue);
  } else if (given) {
    for (const name in given) add(name, given[name]);
  }
  for (const [name, value] of SECURITY_HEADERS) if (!overridden?.has(name)) head.push(name, value);
  if (!overridden?.has('x-request-id')) head.push('X-Request-Id', requestId);
  return head;
}

/** The Node bindings the app sees as `c.env` when it runs behind `requestContext`. */
export interface ServiceBindings extends HttpBindings {
  readonly outgoing: ServiceResponse;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers and validator hooks of any env
type AnyContext = Context<any>;

function serviceResponseOf(c: AnyContext): ServiceResponse | undefined {
  const outgoing = (c.env as Partial<ServiceBindings> | undefined)?.outgoing;
  return outgoing instanceof ServiceResponse ? outgoing : undefined;
}

/** The request's id (undefined outside a `requestContext`, e.g. `app.request()`). */
export function requestIdOf(c: AnyContext): string | undefined {
  return serviceResponseOf(c)?.requestId;
}

/** Marks a request as counted in the refusal summary: it gets no request line of its own. */
export function markRefused(c: AnyContext): void {
  const outgoing = serviceResponseOf(c);
  if (outgoing) outgoing.refused = true;
}

export interface RequestContextOptions {
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
}

/**
 * Wraps an app's Node request listener (@hono/node-server's `getRequestListener`): the request id
 * before it runs, the request line once the response is written. One line per request at info (5xx
 * at warn); successful probes at debug; refused requests are counted in the refusal summary instead.
 */
export function requestContext(
  handle: (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<unknown>,
  options: RequestContextOptions,
): (incoming: IncomingMessage, outgoing: ServiceResponse) => void {
  const { logger, lifecycle } = options;
  return (incoming, outgoing) => {
    const started = performance.now();
    const incomingId = incoming.headers['x-request-id'];
    outgoing.requestId = typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    if (lifecycle.draining) outgoing.setHeader('Connection', 'close');
    const logLine = () => {
      if (outgoing.refused) return;
      const status = outgoing.statusCode;
      const url = incoming.url ?? '/';
      const query = url.indexOf('?');
      const path = query < 0 ? url : url.slice(0, query);
      const level = status >= 500 ? 'warn' : status < 400 && PROBES.has(path) ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      logger[level]({ requestId: outgoing.requestId, method: incoming.method, path, status, durationMs }, 'request');
    };
    // The adapter answers its own failures (500) and resolves; log the request either way.
    handle(incoming, outgoing).then(logLine, logLine);
  };
}
