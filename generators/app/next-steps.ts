import { relative } from 'node:path';
import { stagesOf, type StackAnswers } from '../../src/answers/index.js';
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
    `Created ${answers.name} in ${where}: RDS for MySQL 8.4 with IAM auth behind RDS Proxy across ${answers.azCount} AZs,`,
    `stages ${stagesOf(answers).map((stage) => `${stage.name} (${stage.profile}, ${stage.account ?? 'your account'}, ${stage.region})`).join(' → ')},`,
    `database ${answers.databaseName}, users ${answers.databaseUsers.map((u) => `${u.name} (${u.access})`).join(', ')}.`,
    '',
    'Next steps:',
    ...(where === '.' ? [] : [`  cd ${where}`]),
    ...(installed
      ? []
      : [`  ${pm} install`, `  npx projen ${TEMPLATE_SNAPSHOT_TASK}   # writes the template snapshot; commit it with the lockfile (CI refuses a missing one)`]),
    `  ${packageManager.run} build        # compile, test, cdk synth (cdk-nag included)`,
    `  npx cdk deploy '${answers.stages[0]!.name}/*'    # one stage, with AWS credentials for its account (README: the pipeline)`,
    '',
    'Change the configuration in .projenrc.ts, then run `npx projen`.',
    '',
  ].join('\n');
}
