import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** 128 + the signal number, as shells report a process ended by it. */
export const INTERRUPT_EXIT_CODES: Readonly<Record<InterruptSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** How long the run may take to unwind after an interrupt before it is cut short. */
const UNWIND_GRACE_MS = 20_000;

export class InterruptedError extends Error {
  constructor(readonly signal: InterruptSignal) {
    super('Interrupted: nothing was written.');
    this.name = 'InterruptedError';
  }
}

/**
 * Turns SIGINT and SIGTERM into an aborted signal that the whole run listens to: children are
 * stopped, prompts rejected, and every step unwinds through its own clean-up. Paths registered with
 * `removeOnExit` are also removed synchronously when the process has to exit before that unwinding
 * is done (a second signal, or a step that does not return).
 */
export class Interruption {
  readonly #controller = new AbortController();
  readonly #paths = new Set<string>();

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Registers a temporary path (a directory or a file); returns the function that removes it when done. */
  removeOnExit(path: string): () => Promise<void> {
    this.#paths.add(path);
    return async () => {
      await rm(path, { recursive: true, force: true });
      this.#paths.delete(path);
    };
  }

  /** Throws the InterruptedError once an interrupt has arrived. */
  throwIfInterrupted(): void {
    this.signal.throwIfAborted();
  }

  interrupt(signal: InterruptSignal): void {
    if (this.signal.aborted) {
      this.exitNow(signal);
      return;
    }
    this.#controller.abort(new InterruptedError(signal));
    setTimeout(() => this.exitNow(signal), UNWIND_GRACE_MS).unref();
  }

  /** Listens for SIGINT and SIGTERM until the returned function is called. */
  trap(): () => void {
    const onSigint = () => this.interrupt('SIGINT');
    const onSigterm = () => this.interrupt('SIGTERM');
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    return () => {
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGTERM', onSigterm);
    };
  }

  private exitNow(signal: InterruptSignal): never {
    for (const path of [...this.#paths].reverse()) rmSync(path, { recursive: true, force: true });
    process.stderr.write('\nInterrupted: nothing was written.\n');
    process.exit(INTERRUPT_EXIT_CODES[signal]);
  }
}

/** The InterruptedError behind an error, when the run was interrupted. */
export function interruptionOf(error: unknown, interruption?: Interruption): InterruptedError | undefined {
  if (error instanceof InterruptedError) return error;
  const reason: unknown = interruption?.signal.aborted ? interruption.signal.reason : undefined;
  return reason instanceof InterruptedError ? reason : undefined;
}
