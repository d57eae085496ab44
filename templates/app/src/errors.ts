/** JSON error bodies: a code, a message and the request id. Never a stack trace. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { requestIdOf } from './request-context.js';

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
  readonly requestId: string | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- used from handlers and validator hooks of any env
export function errorResponse(c: Context<any>, status: ContentfulStatusCode, code: string, message: string, details?: unknown): Response {
  const body: ErrorBody = {
    error: { code, message, ...(details === undefined ? {} : { details }) },
    requestId: requestIdOf(c),
  };
  return c.json(body, status);
}
