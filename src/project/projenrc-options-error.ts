import { type AnswerProblem, AnswersError } from '../answers/index.js';

/** An option's name as `.projenrc.ts` writes it: `['databaseUsers', 1, 'name']` → `databaseUsers[1].name`. */
export function projenrcField(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`))
    .join('');
}

/**
 * Invalid `RdsIamStackProject` options: the generator's rules and messages, with each field named
 * as `.projenrc.ts` writes it instead of by the generator's flag.
 */
export class ProjenrcOptionsError extends AnswersError {
  constructor(problems: readonly AnswerProblem[]) {
    super(problems.map((problem) => ({ ...problem, field: projenrcField(problem.path) })));
    this.message = this.message.replace(/^Invalid answers:/, 'Invalid RdsIamStackProject options in .projenrc.ts:');
    this.name = 'ProjenrcOptionsError';
  }
}

/**
 * Throws `error`, except in a `.projenrc.ts` run (`npx projen`): there it prints the message alone and
 * exits 1, since an uncaught error would bury the rule under Node's stack trace. `npx projen --debug`
 * (which sets DEBUG) throws, trace included.
 */
export function failOptions(error: ProjenrcOptionsError): never {
  if (isProjenrcRun() && !process.env.DEBUG) {
    process.stderr.write(`${error.message}\n(npx projen --debug shows the stack trace)\n`);
    process.exit(1);
  }
  throw error;
}

function isProjenrcRun(): boolean {
  return /(^|[\\/])\.projenrc\.[cm]?[jt]s$/.test(process.argv[1] ?? '');
}
