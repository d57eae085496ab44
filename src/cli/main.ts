import { AnswersError, AnswersFileError, MissingAnswersError } from '../answers/index.js';
import { PACKAGE_VERSION } from '../package-info.js';
import { helpText, parseCliArguments, UsageError } from './args.js';
import { ConflictsError } from '../scaffold/conflicts.js';
import { DiskFullError } from '../scaffold/disk-full.js';
import { INTERRUPT_EXIT_CODES, Interruption, interruptionOf } from '../scaffold/interruption.js';
import { TargetError } from '../scaffold/target.js';

export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: INTERRUPT_EXIT_CODES.SIGINT, terminated: INTERRUPT_EXIT_CODES.SIGTERM } as const;

/** Refusals that explain themselves: no hint to debug output. */
const REFUSALS = [AnswersError, AnswersFileError, TargetError, ConflictsError, DiskFullError];

/** Runs the command line; returns the exit code rather than exiting, so tests can call it. */
export async function main(argv: readonly string[]): Promise<number> {
  const interruption = new Interruption();
  const release = interruption.trap();
  try {
    const args = parseCliArguments(argv);
    if (args.help) {
      process.stdout.write(helpText());
      return EXIT.ok;
    }
    if (args.version) {
      process.stdout.write(`${PACKAGE_VERSION}\n`);
      return EXIT.ok;
    }
    // Loaded only for a real run: --help and --version stay instant.
    const { scaffold } = await import('./scaffold.js');
    await scaffold(args, {
      interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) && !isCi(),
      log: (line) => process.stdout.write(`${line}\n`),
      interruption,
    });
    return interruption.signal.aborted ? report(interruption.signal.reason, interruption) : EXIT.ok;
  } catch (error) {
    return report(error, interruption);
  } finally {
    release();
  }
}

function report(error: unknown, interruption: Interruption): number {
  const interrupted = interruptionOf(error, interruption);
  if (interrupted) {
    process.stderr.write(`\n${interrupted.message}\n`);
    return INTERRUPT_EXIT_CODES[interrupted.signal];
  }
  if (isPromptInterrupt(error)) {
    process.stderr.write('\nInterrupted: nothing was written.\n');
    return EXIT.interrupted;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  if (error instanceof UsageError || error instanceof MissingAnswersError) return EXIT.usage;
  process.stderr.write(
    REFUSALS.some((kind) => error instanceof kind)
      ? 'Nothing was written.\n'
      : 'Nothing was written. Re-run with DEBUG=create-rds-iam-stack* for details.\n',
  );
  if (process.env.DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return EXIT.failure;
}

/** Ctrl-C at a prompt rejects the prompt instead of raising SIGINT. */
function isPromptInterrupt(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}
