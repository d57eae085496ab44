/** Bounded retries with exponential backoff for "database not reachable yet" situations. */

export interface RetryPolicy {
  /** Total attempts, including the first. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Lambda default: 6 attempts, 2-15 s apart = at most ~44 s of waiting (+ 6 x 5 s connect timeouts). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 6, baseDelayMs: 2_000, maxDelayMs: 15_000 };

/** Errors that mean "not reachable yet" (instance booting, DNS not propagated, ENI warming up). */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_TOO_MANY_USER_CONNECTIONS',
]);

export function isTransientConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
}

export class RetriesExhaustedError extends Error {
  constructor(message: string, readonly attempts: number, readonly lastError: unknown) {
    super(message);
    this.name = 'RetriesExhaustedError';
  }
}

/** Short, secret-free description of a driver error (code + message; never the connection config). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export async function withRetries<T>(
  what: string,
  operation: () => Promise<T>,
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void>,
  log: (message: string) => void = () => undefined,
  /** Milliseconds left before the caller's own deadline (Lambda timeout); stops retrying early. */
  remainingMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isTransientConnectionError(error)) throw error;
      const delay = backoffDelay(policy, attempt);
      if (attempt >= policy.attempts || remainingMs() < delay + 20_000) {
        throw new RetriesExhaustedError(
          `${what} failed after ${attempt} attempt(s): ${describeError(error)}`,
          attempt,
          error,
        );
      }
      log(`${what}: attempt ${attempt}/${policy.attempts} failed (${describeError(error)}); retrying in ${delay} ms`);
      await sleep(delay);
    }
  }
}
