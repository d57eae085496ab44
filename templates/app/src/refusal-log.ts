/**
 * Bounded logging of refused requests. Under overload or a database outage every request fails the
 * same way; a log line (let alone a stack trace) per request would grow with the load and, through a
 * full stdout pipe, stall the event loop. Instead refusals are counted by reason and summarised in
 * at most one line per interval, with one example message per reason.
 */
import type { Logger } from './logger.js';

export class RefusalLog {
  private readonly counts = new Map<string, { count: number; example?: string }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    /** @default 1000 */
    private readonly intervalMs = 1_000,
  ) {}

  /** Counts one refusal; `example` (a short message, never a stack) is kept for the first of each reason. */
  count(reason: string, example?: string): void {
    const entry = this.counts.get(reason);
    if (entry) entry.count += 1;
    else this.counts.set(reason, { count: 1, ...(example === undefined ? {} : { example }) });
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes the summary now (also called on a timer). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.counts.size === 0) return;
    const refused = Object.fromEntries(this.counts);
    this.counts.clear();
    this.logger.warn({ refused, intervalMs: this.intervalMs }, 'requests refused with 503');
  }
}
