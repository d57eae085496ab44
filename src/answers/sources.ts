import { readFile } from 'node:fs/promises';
import { AnswersError, parseAnswer, type AnswerKey } from './model.js';
import { QUESTIONS, type Question } from './questions.js';

/** The option name under which a question's flag reaches the generator: `db-name` → `dbName`. */
export function optionNameOf(question: Pick<Question, 'flag'>): string {
  return question.flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/**
 * The answers given as flags (generator options), each validated by its own rule so that a typo
 * fails before any question is asked.
 */
export function answersFromOptions(options: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const question of QUESTIONS) {
    const value = options[optionNameOf(question)];
    if (value !== undefined) raw[question.key] = value;
  }
  return validateGiven(raw);
}

/** Reads an answers file: a JSON object keyed like the answers (`name`, `region`, `databaseUsers`...). */
export async function answersFromFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AnswersFileError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AnswersFileError(path, `is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AnswersFileError(path, 'must hold a JSON object of answers, e.g. {"region": "eu-west-1"}');
  }
  return validateGiven(parsed as Record<string, unknown>);
}

export class AnswersFileError extends Error {
  constructor(
    readonly path: string,
    rule: string,
  ) {
    super(`Answers file (--answers) "${path}" ${rule}`);
    this.name = 'AnswersFileError';
  }
}

/** Validates each given answer on its own and returns them typed; reports every problem at once. */
export function validateGiven(raw: Record<string, unknown>): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  const problems: AnswersError['problems'][number][] = [];
  for (const [key, value] of Object.entries(raw)) {
    try {
      typed[key] = parseAnswer(key as AnswerKey, value);
    } catch (error) {
      if (!(error instanceof AnswersError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new AnswersError(problems);
  return typed;
}
