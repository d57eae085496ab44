import { relative } from 'node:path';
import type { StackAnswers } from '../../src/answers/index.js';
import { TEMPLATE_SNAPSHOT_TASK } from '../../src/project/task-names.js';
import type { PackageManager } from '../../src/scaffold/package-manager.js';

export interface NextStepsInput {
  readonly directory: string;
  readonly answers: StackAnswers;
  readonly packageManager: PackageManager;
  readonly installed: boolean;
}

/** The short summary printed when scaffolding is done. */
export function nextSteps({ directory, answers, packageManager, installed }: NextStepsInput): string {
  const where = relative(process.cwd(), directory) || '.';
  const pm = packageManager.command;
  return [
    '',
    `Created ${answers.name} in ${where}: RDS for MySQL 8.4 with IAM auth behind RDS Proxy in ${answers.region} across ${answers.azCount} AZs,`,
    `database ${answers.databaseName}, users ${answers.databaseUsers.map((u) => `${u.name} (${u.access})`).join(', ')}.`,
    '',
    'Next steps:',
    ...(where === '.' ? [] : [`  cd ${where}`]),
    ...(installed
      ? []
      : [`  ${pm} install`, `  npx projen ${TEMPLATE_SNAPSHOT_TASK}   # writes the template snapshot; commit it with the lockfile (CI refuses a missing one)`]),
    `  ${packageManager.run} build        # compile, test, cdk synth (cdk-nag included)`,
    `  npx cdk deploy --all     # with AWS credentials for ${answers.region}`,
    '',
    'Change the configuration in .projenrc.ts, then run `npx projen`.',
    '',
  ].join('\n');
}
