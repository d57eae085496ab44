import { AnswersError, AnswersFileError, MissingAnswersError } from '../answers/index.js';
import { PACKAGE_VERSION } from '../package-info.js';
import { helpText, parseCliArguments, UsageError } from './args.js';
import { TargetNotEmptyError } from '../scaffold/target.js';

export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** Runs the command line; returns the exit code rather than exiting, so tests can call it. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'update') return runUpdate(argv.slice(1));
  let cleanupOnInterrupt: (() => Promise<void>) | undefined;
  const onSigint = () => {
    void (cleanupOnInterrupt?.() ?? Promise.resolve()).finally(() => {
      process.stderr.write('\nInterrupted: nothing was written.\n');
      process.exit(EXIT.interrupted);
    });
  };
  process.once('SIGINT', onSigint);
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
      onInterrupt: (cleanup) => {
        cleanupOnInterrupt = cleanup;
      },
    });
    return EXIT.ok;
  } catch (error) {
    return report(error);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function report(error: unknown): number {
  if (isPromptInterrupt(error)) {
    process.stderr.write('\nInterrupted: nothing was written.\n');
    return EXIT.interrupted;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  if (error instanceof UsageError || error instanceof MissingAnswersError) return EXIT.usage;
  if (error instanceof AnswersError || error instanceof AnswersFileError || error instanceof TargetNotEmptyError) {
    process.stderr.write('Nothing was written.\n');
    return EXIT.failure;
  }
  process.stderr.write('Nothing was written. Re-run with DEBUG=create-rds-iam-stack* for details.\n');
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

/** `create-rds-iam-stack update`: its own flags and exit codes (src/cli/update.ts). */
async function runUpdate(argv: readonly string[]): Promise<number> {
  const { runUpdateCommand } = await import('./update.js');
  return runUpdateCommand(argv, {
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) && !isCi(),
    log: (line) => process.stdout.write(`${line}\n`),
  });
}
