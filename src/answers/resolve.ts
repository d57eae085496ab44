import { parseAnswers, type StackAnswers } from './model.js';
import { MissingAnswersError, missingAnswers, withDefaults, type DefaultContext } from './questions.js';
import { answersFromFile, answersFromOptions } from './sources.js';

export interface GivenAnswerSources {
  /** Answers kept in `.yo-rc.json` from an earlier run. */
  readonly stored?: Record<string, unknown>;
  /** Path of a JSON answers file (`--answers`). */
  readonly answersFile?: string;
  /** Generator options carrying the question flags. */
  readonly options: Record<string, unknown>;
}

/** Every answer given up front, each checked by its own rule; flags win over the file, the file over `.yo-rc.json`. */
export async function collectGivenAnswers({ stored, answersFile, options }: GivenAnswerSources): Promise<Record<string, unknown>> {
  const fromFile = answersFile ? await answersFromFile(answersFile) : {};
  return { ...stored, ...fromFile, ...answersFromOptions(options) };
}

/**
 * The final answers when nobody may be asked: defaults under `--yes`, otherwise a
 * MissingAnswersError naming each missing flag.
 */
export function completeWithoutPrompts(
  given: Record<string, unknown>,
  { yes, ...context }: DefaultContext & { readonly yes: boolean },
): StackAnswers {
  if (!yes) {
    const missing = missingAnswers(given);
    if (missing.length > 0) throw new MissingAnswersError(missing);
  }
  return parseAnswers(withDefaults(given, context));
}

/**
 * Answers recorded by this or any earlier version (`.yo-rc.json`, an answers file, `.projenrc.ts`):
 * questions that did not exist then take their defaults, and every rule still applies.
 */
export function parseRecordedAnswers(recorded: Record<string, unknown>): StackAnswers {
  return parseAnswers(withDefaults(recorded));
}
