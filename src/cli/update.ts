import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { UsageError } from './args.js';
import { AnswersError, AnswersFileError } from '../answers/index.js';
import { RecordError } from '../update/record.js';
import { UpdateRefusedError, update } from '../update/update.js';
import { DirtyWorkTreeError } from '../update/work-tree.js';

/** `update`'s exit codes: the scaffold's, and 3 when the files were written with conflicts to resolve. */
export const UPDATE_EXIT = { ok: 0, failure: 1, usage: 2, conflicts: 3, interrupted: 130 } as const;

const UPDATE_FLAGS = {
  'dry-run': { type: 'boolean', description: 'show what would change, write nothing (exit code as for a real run)' },
  'yes': { type: 'boolean', short: 'y', description: 'write without asking' },
  'force': { type: 'boolean', description: 'update despite uncommitted changes' },
  'base-package': { type: 'string', placeholder: 'SPEC', description: 'the recorded version as an npm spec, e.g. a .tgz (default: the registry)' },
  'package-source': { type: 'string', placeholder: 'SPEC', description: 'npm spec the project installs create-rds-iam-stack from afterwards' },
  'answers': { type: 'string', placeholder: 'FILE', description: 'JSON answers replacing recorded ones (new questions take defaults)' },
  'help': { type: 'boolean', short: 'h', description: 'show this help' },
} as const;

export function updateHelpText(): string {
  const rows = Object.entries(UPDATE_FLAGS).map(([flag, d]) => [
    `${'short' in d ? `-${d.short}, ` : ''}--${flag}${'placeholder' in d ? ` ${d.placeholder}` : ''}`,
    d.description,
  ]);
  const width = Math.max(...rows.map(([left]) => left!.length)) + 2;
  return [
    'Usage: create-rds-iam-stack update [directory] [options]',
    '',
    'Brings the owned files of a generated project (stack, constructs, Lambda, app, tests) up to this',
    'version by a three-way merge: the recorded version rendered with the recorded answers (.yo-rc.json)',
    'is the base, this version with the same answers is the other side. Then `npx projen` re-renders',
    'the managed files. Refuses on uncommitted changes; writes nothing on error or Ctrl-C.',
    '',
    'Options:',
    ...rows.map(([left, right]) => `  ${left!.padEnd(width)}${right}`),
    '',
    'Exit codes: 0 updated, 1 failure, 2 usage error, 3 updated with conflicts to resolve, 130 interrupted.',
    '',
  ].join('\n');
}

export interface UpdateCliContext {
  readonly interactive: boolean;
  readonly log: (line: string) => void;
}

/** Runs `create-rds-iam-stack update ARGS`; returns the exit code. */
export async function runUpdateCommand(argv: readonly string[], context: UpdateCliContext): Promise<number> {
  let phase: 'computing' | 'writing' = 'computing';
  let cleanup: (() => Promise<void>) | undefined;
  const onSigint = () => {
    void (phase === 'computing' ? (cleanup?.() ?? Promise.resolve()) : Promise.resolve()).finally(() => {
      process.stderr.write(
        phase === 'computing'
          ? '\nInterrupted: nothing was written.\n'
          : '\nInterrupted after the owned files were written: review them with `git diff`, then run `npx projen`.\n',
      );
      process.exit(UPDATE_EXIT.interrupted);
    });
  };
  process.once('SIGINT', onSigint);
  try {
    const { values, positionals } = parseUpdateArguments(argv);
    if (values.help) {
      process.stdout.write(updateHelpText());
      return UPDATE_EXIT.ok;
    }
    const dryRun = values['dry-run'] === true;
    const yes = values.yes === true;
    if (!dryRun && !yes && !context.interactive) {
      throw new UsageError('update writes files: pass --yes to confirm without a terminal (or --dry-run to look first).');
    }
    const outcome = await update({
      projectDir: resolve(positionals[0] ?? '.'),
      cwd: process.cwd(),
      dryRun,
      force: values.force === true,
      basePackage: values['base-package'] as string | undefined,
      packageSource: values['package-source'] as string | undefined,
      answersFile: values.answers as string | undefined,
      log: context.log,
      confirm: yes || dryRun ? undefined : confirm,
      onCleanup: (run) => (cleanup = run),
      onWriting: () => (phase = 'writing'),
    });
    return outcome.status !== 'up-to-date' && outcome.conflicts.length > 0 ? UPDATE_EXIT.conflicts : UPDATE_EXIT.ok;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    if (error instanceof UsageError) return UPDATE_EXIT.usage;
    const refused = [AnswersError, AnswersFileError, DirtyWorkTreeError, RecordError, UpdateRefusedError].some((type) => error instanceof type);
    if (phase === 'computing') process.stderr.write('Nothing was written.\n');
    if (!refused && process.env.DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return UPDATE_EXIT.failure;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function parseUpdateArguments(argv: readonly string[]) {
  try {
    const parsed = parseArgs({ args: [...argv], options: UPDATE_FLAGS, allowPositionals: true, strict: true });
    if (parsed.positionals.length > 1) throw new Error(`Expected at most one directory, got ${parsed.positionals.join(' ')}`);
    return parsed;
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (update: see create-rds-iam-stack update --help)`);
  }
}

async function confirm(question: string): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stdout });
  // Ctrl-C at the question: readline swallows it, so hand it on to the interrupt handler.
  readline.once('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  try {
    return /^y(es)?$/i.test((await readline.question(`${question} [y/N] `)).trim());
  } finally {
    readline.close();
  }
}
