/**
 * Paces refusals (503 `overloaded`) so that they cannot crowd out the requests that succeed.
 *
 * A refusal is cheap, but not free (parsing, routing, the response), and a client that ignores
 * `Retry-After` sends its next request as soon as the 503 arrives. At several times the capacity,
 * such clients turn refusals into most of the event loop's work; each pooled connection completes
 * about one query per event-loop turn, so goodput falls with the length of a turn (measured: 5,100
 * successes/s at 1x, 310/s at 10x with every refusal answered at once).
 *
 * So refusals are answered at once up to `ratePerS` (with a burst of a tenth of a second); beyond
 * that they wait their turn, first come first served, and one timer answers them at that rate, or
 * when they have waited `maxWaitMs`, whichever comes first. The waiting 503 keeps its connection
 * busy, which is what throttles a tight-loop client (to one refusal per `maxWaitMs` at most), and
 * delays no one else: a load balancer never sends another request on a connection whose response is
 * still outstanding. (Holding the connection *after* the 503 would: an ALB reuses its keep-alive
 * connections for any client.) Beyond `MAX_WAITING` waiting refusals, the next ones are answered at
 * once with `Connection: close`, so memory stays bounded.
 */

/** How a refusal is answered: now, now and closing its connection, or once the promise resolves. */
export type RefusalTurn = 'now' | 'close' | Promise<void>;

export interface RefusalPacingOptions {
  /** Refusals answered per second once they come faster; 0 answers every refusal at once. */
  readonly ratePerS: number;
  /** Longest a refusal waits for its turn (the 503's `Retry-After`, so an honest client loses nothing). */
  readonly maxWaitMs: number;
}

/** Refusals answered per second by default: a few percent of a vCPU even at tens of µs each. */
export const DEFAULT_REFUSALS_PER_S = 250;
/** Interval of the timer that answers waiting refusals. */
const TICK_MS = 10;
/** Refusals waiting at once, at most (a few KB each: the request, its context, a promise). */
const MAX_WAITING = 10_000;
/** Refusals answered at once after a quiet period, in seconds of the rate. */
const BURST_S = 0.1;

export class RefusalPacer {
  private readonly burst: number;
  private tokens: number;
  private refilledAt = performance.now();
  /** FIFO of waiting refusals; `next` is its head (answered entries are dropped in batches). */
  private readonly waiting: { readonly answer: () => void; readonly since: number }[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RefusalPacingOptions) {
    this.burst = Math.max(1, options.ratePerS * BURST_S);
    this.tokens = this.burst;
  }

  /** Refusals waiting for their turn now (tests, metrics). */
  get waitingCount(): number {
    return this.waiting.length - this.next;
  }

  /** The turn of one refusal. */
  turn(): RefusalTurn {
    if (this.options.ratePerS <= 0) return 'now';
    if (this.waitingCount === 0) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return 'now';
      }
    }
    if (this.waitingCount >= MAX_WAITING) return 'close';
    this.timer ??= setInterval(() => this.answerWaiting(), TICK_MS).unref();
    return new Promise((answer) => this.waiting.push({ answer, since: performance.now() }));
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.options.ratePerS) / 1000);
    this.refilledAt = now;
  }

  private answerWaiting(): void {
    this.refill();
    const overdue = performance.now() - this.options.maxWaitMs;
    while (this.next < this.waiting.length) {
      const head = this.waiting[this.next]!;
      if (this.tokens >= 1) this.tokens -= 1;
      else if (head.since > overdue) break;
      head.answer();
      this.next += 1;
    }
    if (this.next === this.waiting.length) {
      this.waiting.length = 0;
      this.next = 0;
      clearInterval(this.timer);
      this.timer = undefined;
    } else if (this.next > 1024) {
      // Drop the answered entries now and then rather than shifting on every answer.
      this.waiting.splice(0, this.next);
      this.next = 0;
    }
  }
}
