import { spawn } from 'node:child_process';

/** How long a child may take to exit after SIGTERM before it is killed. */
const KILL_GRACE_MS = 5_000;
/** How much of a child's output is kept for its error message. */
const OUTPUT_KEPT = 64 * 1024;

export interface ChildOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Aborting stops the child and everything it started, then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Collect the output instead of showing it (git's chatter). */
  readonly capture?: boolean;
}

export interface ChildResult {
  readonly exitCode: number;
  /** The end of stderr, and of stdout when captured. */
  readonly output: string;
}

export class ChildProcessError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    const tail = output.trim().split('\n').slice(-5).join('\n');
    super(`\`${command}\` failed (exit ${exitCode ?? 'by signal'})${tail ? `:\n${tail}` : ''}`);
    this.name = 'ChildProcessError';
  }
}

/**
 * Runs a command as the leader of its own process group, so that an interrupt stops the whole
 * tree it starts (npm's install scripts, `npx projen`'s own children), not only the first process.
 * Resolves with a non-zero exit code only when `allowFailure` is set.
 */
export async function runChild(
  command: string,
  args: readonly string[],
  { cwd, env, signal, capture }: ChildOptions,
  allowFailure = false,
): Promise<ChildResult> {
  signal?.throwIfAborted();
  const child = spawn(command, args, {
    cwd,
    env: env ?? process.env,
    detached: true,
    // stderr is always read (and shown unless captured): a failure's cause, e.g. ENOSPC, is there.
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (!capture) process.stderr.write(chunk);
  });
  const stopGroup = (how: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, how);
    } catch {
      // Already gone.
    }
  };
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    stopGroup('SIGTERM');
    killTimer = setTimeout(() => stopGroup('SIGKILL'), KILL_GRACE_MS);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    signal?.throwIfAborted();
    const line = [command, ...args].join(' ');
    if (exitCode !== 0 && !allowFailure) throw new ChildProcessError(line, exitCode, output);
    return { exitCode: exitCode ?? -1, output };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
    // Anything the child left behind in its group goes with it.
    if (signal?.aborted) stopGroup('SIGKILL');
  }
}
