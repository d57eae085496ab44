import { displayValue } from './display-value.js';
import { AnswersError, parseAnswer, parseAnswers, type AnswerOrigins, type StackAnswers } from './model.js';
import { MissingAnswersError, missingAnswers, withDefaults, type DefaultContext } from './questions.js';
import { answersFileOrigin, answersFromFile, answersFromOptions, originsOf, storedAnswersIn, storedAnswersOrigin } from './sources.js';

export interface GivenAnswerSources {
  /** Directory whose `.yo-rc.json` holds answers from an earlier run. */
  readonly storedIn?: string;
  /** Path of a JSON answers file (`--answers`). */
  readonly answersFile?: string;
  /** Generator options carrying the question flags. */
  readonly options: Record<string, unknown>;
}

/** Answers given up front, and where those not given as flags came from (for messages). */
export interface GivenAnswers {
  readonly answers: Record<string, unknown>;
  readonly origins: AnswerOrigins;
}

/**
 * Every answer given up front, each checked by its own rule and blamed on its source; flags win
 * over the file, the file over `.yo-rc.json`.
 */
export async function collectGivenAnswers({ storedIn, answersFile, options }: GivenAnswerSources): Promise<GivenAnswers> {
  const stored = storedIn ? await storedAnswersIn(storedIn) : undefined;
  const fromFile = answersFile ? await answersFromFile(answersFile) : {};
  const fromFlags = answersFromOptions(options);
  const origins: Record<string, string> = {
    ...(storedIn ? originsOf(stored, storedAnswersOrigin(storedIn)) : {}),
    ...(answersFile ? originsOf(fromFile, answersFileOrigin(answersFile)) : {}),
  };
  for (const key of Object.keys(fromFlags)) delete origins[key];
  return { answers: { ...stored, ...fromFile, ...fromFlags }, origins };
}

/**
 * The final answers when nobody may be asked: defaults under `--yes`, otherwise a
 * MissingAnswersError naming each missing flag.
 */
export function completeWithoutPrompts(
  { answers, origins }: GivenAnswers,
  { yes, ...context }: DefaultContext & { readonly yes: boolean },
): StackAnswers {
  if (!yes) {
    const missing = missingAnswers(answers);
    if (missing.length > 0) throw new MissingAnswersError(missing);
  }
  return parseAnswers(withDefaults(answers, context), origins);
}

/**
 * When the project name was not given and the directory's name cannot be it, says which name was
 * taken instead and why, e.g. `package name: my-rds-iam-stack (the --name default; the directory
 * name "Bad_Name" is not valid: ...)`.
 */
export function projectNameNotice(given: Record<string, unknown>, { directoryName }: DefaultContext, chosen: StackAnswers): string | undefined {
  if (given.name !== undefined || !directoryName || directoryName === chosen.name) return undefined;
  try {
    parseAnswer('name', directoryName);
    return undefined;
  } catch (error) {
    if (!(error instanceof AnswersError)) throw error;
    const rule = error.problems[0]?.rule ?? 'is not a valid package name';
    return `package name: ${chosen.name} (the --name default; the directory name ${displayValue(directoryName)} ${rule}; pass --name to choose another)`;
  }
}
