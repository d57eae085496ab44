/**
 * Admission control in front of the database pool. mysql2's pool has no acquire timeout, and a full
 * queue rejects by throwing (a stack trace per request); under overload that turns into a growing
 * queue, error logs and collapsing goodput. Here:
 * - at most `maxConcurrent` requests use the pool at once (its size, so mysql2 never queues);
 * - up to `maxQueued` more wait, each for at most `acquireTimeoutMs`;
 * - anything beyond is refused at once, without an exception (`tryAcquire` returns undefined).
 */

/** Why a request got no connection; the caller answers 503 without a stack trace. */
export type Refusal = 'shed' | 'acquire-timeout';

export interface AdmissionOptions {
  /** Requests using the pool at once (the pool's connection limit). */
  readonly maxConcurrent: number;
  /** Requests waiting beyond those. */
  readonly maxQueued: number;
  /** Longest wait for a turn. */
  readonly acquireTimeoutMs: number;
}

export type Release = () => void;

interface Waiter {
  readonly grant: (release: Release | Refusal) => void;
  readonly timer: NodeJS.Timeout;
}

export class Admission {
  private active = 0;
  /** FIFO; a Set keeps insertion order and removes a timed-out waiter in O(1). */
  private readonly waiting = new Set<Waiter>();
  private readonly release: Release = () => this.handOver();

  constructor(private readonly options: AdmissionOptions) {}

  /** Requests admitted or waiting right now (metrics, tests). */
  get load(): { readonly active: number; readonly waiting: number } {
    return { active: this.active, waiting: this.waiting.size };
  }

  /**
   * A turn, or a Refusal: 'shed' at once when pool and queue are full, 'acquire-timeout' when the
   * wait outlasts `acquireTimeoutMs`. Call the returned Release exactly once when done.
   */
  acquire(): Release | Refusal | Promise<Release | Refusal> {
    if (this.active < this.options.maxConcurrent) {
      this.active += 1;
      return once(this.release);
    }
    if (this.waiting.size >= this.options.maxQueued) return 'shed';
    return new Promise((resolve) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          resolve('acquire-timeout');
        }, this.options.acquireTimeoutMs),
      };
      this.waiting.add(waiter);
    });
  }

  /** Passes the turn to the longest waiter, or frees it. */
  private handOver(): void {
    const next = this.waiting.values().next();
    if (next.done) {
      this.active -= 1;
      return;
    }
    this.waiting.delete(next.value);
    clearTimeout(next.value.timer);
    next.value.grant(once(this.release));
  }
}

function once(release: Release): Release {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}
