/**
 * The load generator, in a process of its own (forked by processes.ts), so that it shares an event
 * loop with neither the bench's bookkeeping nor a server under test. It stays up for the whole
 * bench (no start-up per measurement) and runs one autocannon measurement per message.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  /**
   * autocannon worker threads, for a fast endpoint where parsing responses in one thread would
   * limit the rate. Only aggregate figures exist then: every response is expected to be 2xx.
   */
  readonly workers?: number;
}

export interface LoadResult {
  /** Successful (2xx) responses per second. */
  readonly okPerS: number;
  /** p99 latency of the successful responses, ms. */
  readonly okP99: number;
  /** 503 responses per second. */
  readonly refusedPerS: number;
  /** Other statuses, connection errors and timeouts. */
  readonly errors: number;
  readonly durationS: number;
}

async function generate(options: LoadOptions): Promise<LoadResult> {
  const { url, connections, durationS: duration, workers } = options;
  if (workers) {
    const r = await autocannon({ url, connections, duration, pipelining: 1, workers });
    return { okPerS: r['2xx'] / r.duration, okP99: r.latency.p99, refusedPerS: 0, errors: r.errors + r.timeouts + r.non2xx, durationS: r.duration };
  }
  const okLatencies: number[] = [];
  let refused = 0;
  let other = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration, pipelining: 1 }, (error, r) => (error ? reject(error) : resolve(r)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) okLatencies.push(responseTime);
      else if (statusCode === 503) refused += 1;
      else other += 1;
    });
  });
  okLatencies.sort((a, b) => a - b);
  return {
    okPerS: okLatencies.length / result.duration,
    okP99: okLatencies.length ? okLatencies[Math.min(okLatencies.length - 1, Math.floor(okLatencies.length * 0.99))]! : NaN,
    refusedPerS: refused / result.duration,
    errors: other + result.errors + result.timeouts,
    durationS: result.duration,
  };
}

if (process.send) {
  process.on('message', (options: LoadOptions) => {
    generate(options).then(
      (result) => process.send!({ result }),
      (error: unknown) => process.send!({ error: String(error) }),
    );
  });
  process.send({ ready: true });
}
