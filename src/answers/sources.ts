import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AnswersError, parseAnswer, type AnswerKey, type AnswerOrigins } from './model.js';
import { QUESTIONS, type Question } from './questions.js';

/** The generator's key in `.yo-rc.json`. */
const YO_RC_KEY = 'create-rds-iam-stack';

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
  const describe = (rule: string) => new AnswersFileError(`Answers file (--answers) "${path}"`, rule);
  const parsed = await readJsonObject(path, describe);
  if (parsed === undefined) throw describe('cannot be read (ENOENT)');
  return validateGiven(parsed, answersFileOrigin(path));
}

/** Where a value of the answers file is blamed in messages. */
export function answersFileOrigin(path: string): string {
  return `in answers file "${path}"`;
}

/**
 * The answers an earlier run kept in `directory/.yo-rc.json`, if any. The file is outside data (it
 * may have been edited or copied from anywhere): it is read and validated like an answers file.
 */
export async function storedAnswersIn(directory: string): Promise<Record<string, unknown> | undefined> {
  const path = join(directory, '.yo-rc.json');
  const describe = (rule: string) => new AnswersFileError(`Stored answers "${path}"`, rule);
  const parsed = await readJsonObject(path, describe);
  if (parsed === undefined || !Object.hasOwn(parsed, YO_RC_KEY)) return undefined;
  const stored: unknown = parsed[YO_RC_KEY];
  if (!isPlainObject(stored)) throw describe(`must hold an object under "${YO_RC_KEY}"`);
  if (!Object.hasOwn(stored, 'answers')) return undefined;
  const answers: unknown = stored.answers;
  if (!isPlainObject(answers)) throw describe(`must hold an object of answers under "${YO_RC_KEY}.answers"`);
  return validateGiven(answers, storedAnswersOrigin(directory));
}

export function storedAnswersOrigin(directory: string): string {
  return `in ${join(directory, '.yo-rc.json')}`;
}

/**
 * A JSON object from a file; undefined when the file does not exist. A byte-order mark is
 * accepted; a file that is not JSON is refused without quoting it (it may be anything).
 */
async function readJsonObject(
  path: string,
  describe: (rule: string) => AnswersFileError,
): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw describe(`cannot be read (${code ?? String(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw describe(`is not valid JSON${positionOf(error, text)}; it must hold a JSON object, e.g. {"region": "eu-west-1"}`);
  }
  if (!isPlainObject(parsed)) throw describe('must hold a JSON object of answers, e.g. {"region": "eu-west-1"}');
  return parsed;
}

/** Line and column of a JSON syntax error, without the excerpt V8 puts in its message. */
function positionOf(error: unknown, text: string): string {
  const offset = /position (\d+)/.exec((error as Error).message)?.[1];
  if (offset === undefined) return '';
  const before = text.replace(/^\uFEFF/, '').slice(0, Number(offset)).split('\n');
  return ` (line ${before.length}, column ${before.at(-1)!.length + 1})`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export class AnswersFileError extends Error {
  constructor(what: string, rule: string) {
    super(`${what} ${rule}`);
    this.name = 'AnswersFileError';
  }
}

/**
 * Validates each given answer on its own and returns them typed; reports every problem at once,
 * each blamed on `origin` (the file it came from) when given.
 */
export function validateGiven(raw: Record<string, unknown>, origin?: string): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  const problems: AnswersError['problems'][number][] = [];
  for (const [key, value] of Object.entries(raw)) {
    try {
      const parsed = parseAnswer(key as AnswerKey, value, origin);
      Object.defineProperty(typed, key, { value: parsed, enumerable: true, writable: true, configurable: true });
    } catch (error) {
      if (!(error instanceof AnswersError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new AnswersError(problems);
  return typed;
}

/** Each key of `answers` mapped to `origin`. */
export function originsOf(answers: Record<string, unknown> | undefined, origin: string): AnswerOrigins {
  return Object.fromEntries(Object.keys(answers ?? {}).map((key) => [key, origin]));
}
