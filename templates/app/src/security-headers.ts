/**
 * Hono's secureHeaders() defaults as a constant list (lower-case names), added to every response head
 * by request-context.ts. secureHeaders() itself is middleware that writes them onto the finished
 * Response (`c.res.headers.set`), which makes @hono/node-server build a full Fetch Response for every
 * request instead of its lightweight one: the main cost of a cheap endpoint such as /healthz. The
 * values stay Hono's: they are read once, at start-up, from a response of secureHeaders() itself.
 */
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

async function defaultSecurityHeaders(): Promise<readonly (readonly [string, string])[]> {
  const probe = new Hono().use(secureHeaders()).get('/', (c) => c.body(null));
  const response = await probe.request('/');
  return [...response.headers].filter(([name]) => name !== 'content-type');
}

export const SECURITY_HEADERS = await defaultSecurityHeaders();
