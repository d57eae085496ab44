import { parseArgs, type ParseArgsConfig } from 'node:util';
import { optionNameOf, QUESTIONS } from '../answers/index.js';

/** Flags that steer the run rather than answer a question. */
const CONTROL_FLAGS = {
  'yes': { type: 'boolean', short: 'y', description: 'take the default for every unanswered question' },
  'answers': { type: 'string', placeholder: 'FILE', description: 'read answers from a JSON file' },
  'skip-install': { type: 'boolean', description: 'do not install dependencies' },
  'git': { type: 'boolean', negatable: true, description: 'initialise git and make the first commit (default: on)' },
  'force': { type: 'boolean', description: 'write into a non-empty directory; files that differ are conflicts' },
  'overwrite': { type: 'boolean', description: 'with --force: replace files that differ from what would be written' },
  'dry-run': { type: 'boolean', description: 'print the files that would be written, write nothing' },
  'package-source': {
    type: 'string',
    placeholder: 'SPEC',
    description: 'npm spec the new project installs create-rds-iam-stack from (e.g. a local .tgz)',
  },
  'help': { type: 'boolean', short: 'h', description: 'show this help' },
  'version': { type: 'boolean', short: 'v', description: 'show the version' },
} as const satisfies Record<
  string,
  { type: 'boolean' | 'string'; short?: string; placeholder?: string; negatable?: boolean; description: string }
>;

export interface CliArguments {
  readonly directory?: string;
  readonly yes: boolean;
  readonly answersFile?: string;
  readonly skipInstall: boolean;
  readonly git: boolean;
  readonly force: boolean;
  readonly overwrite: boolean;
  readonly dryRun: boolean;
  readonly packageSource?: string;
  readonly help: boolean;
  readonly version: boolean;
  /** Question flags as generator options (`dbName`, `user`...), still unvalidated. */
  readonly answerOptions: Record<string, unknown>;
}

/** Wrong flags or arguments: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\nRun create-rds-iam-stack --help for the options.`);
    this.name = 'UsageError';
  }
}

function parseConfig(): ParseArgsConfig['options'] {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const question of QUESTIONS) {
    options[question.flag] =
      question.flagKind === 'boolean'
        ? { type: 'boolean' }
        : { type: 'string', multiple: question.flagKind === 'repeatable' };
  }
  for (const [flag, definition] of Object.entries(CONTROL_FLAGS)) {
    options[flag] = { type: definition.type, ...('short' in definition ? { short: definition.short } : {}) };
  }
  return options;
}

export function parseCliArguments(argv: readonly string[]): CliArguments {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: parseConfig(),
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new UsageError(`Expected at most one directory, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  if (values.overwrite === true && values.force !== true) {
    throw new UsageError('--overwrite applies to files in a non-empty directory: give it together with --force');
  }
  const answerOptions: Record<string, unknown> = {};
  for (const question of QUESTIONS) {
    const value = values[question.flag];
    if (value !== undefined) answerOptions[optionNameOf(question)] = value;
  }
  return {
    directory: positionals[0],
    yes: values.yes === true,
    answersFile: values.answers as string | undefined,
    skipInstall: values['skip-install'] === true,
    git: values.git !== false,
    force: values.force === true,
    overwrite: values.overwrite === true,
    dryRun: values['dry-run'] === true,
    packageSource: values['package-source'] as string | undefined,
    help: values.help === true,
    version: values.version === true,
    answerOptions,
  };
}

export function helpText(): string {
  const rows: [string, string][] = [
    ...QUESTIONS.map((q): [string, string] => [
      q.flagKind === 'boolean' ? `--[no-]${q.flag}` : `--${q.flag} ${q.placeholder ?? 'VALUE'}`,
      q.description,
    ]),
    ...Object.entries(CONTROL_FLAGS).map(([flag, d]): [string, string] => [
      `${'short' in d ? `-${d.short}, ` : ''}--${'negatable' in d ? '[no-]' : ''}${flag}${'placeholder' in d ? ` ${d.placeholder}` : ''}`,
      d.description,
    ]),
  ];
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    'Usage: create-rds-iam-stack [directory] [options]',
    '',
    'Scaffolds a CDK repository for MySQL on AWS with no database password anywhere: RDS for MySQL 8.4',
    'with IAM authentication behind RDS Proxy, a user-bootstrap Lambda, a Hono service and an OIDC pipeline.',
    '',
    'Answers (asked interactively when missing; never asked without a TTY or with CI set):',
    ...rows.slice(0, QUESTIONS.length).map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    '',
    'Options:',
    ...rows.slice(QUESTIONS.length).map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    '',
    'Exit codes: 0 done, 1 invalid answers, a refused directory, conflicts or another failure, 2 usage error,',
    '130 interrupted (Ctrl-C), 143 terminated (SIGTERM).',
    '',
    'Example:',
    '  npx create-rds-iam-stack orders-db --region eu-west-1 --az-count 3 --db-name orders \\',
    '    --user orders_app:read-write --user reporting:read-only --yes',
    '',
  ].join('\n');
}
