import type { Migration } from './migrations.js';
import type { FileAction, UpdatePlan } from './plan.js';

const ACTION_LABELS: Record<FileAction, string> = {
  'updated': 'updated',
  'merged': 'merged',
  'conflict': 'CONFLICT',
  'added': 'added',
  'removed': 'removed',
  'kept-dropped': 'kept',
  'kept-deleted': 'not restored',
  'migrated': 'migrated',
};

const ACTION_NOTES: Partial<Record<FileAction, string>> = {
  'kept-dropped': 'the template dropped it, you changed it: delete it if nothing needs it',
  'kept-deleted': 'you deleted it, the template changed it: stays deleted',
};

export interface SummaryInput {
  readonly plan: UpdatePlan;
  readonly from: string;
  readonly to: string;
  readonly migrations: readonly Migration[];
}

/** Whether any file holds conflict markers. */
export function conflictsOf(plan: UpdatePlan): string[] {
  return plan.files.filter((file) => file.action === 'conflict').map((file) => file.path);
}

/** One line per file that changes or needs a look, then the totals. */
export function summarize({ plan, from, to, migrations }: SummaryInput): string[] {
  const width = Math.max(...Object.values(ACTION_LABELS).map((label) => label.length)) + 2;
  const count = (...actions: FileAction[]) => plan.files.filter((file) => actions.includes(file.action)).length;
  return [
    `Owned files: create-rds-iam-stack ${from} → ${to}`,
    ...migrations.map((migration) => `  migration ${migration.version}: ${migration.description}`),
    ...plan.files.map((file) => {
      const detail =
        file.action === 'conflict'
          ? ` (${file.conflicts} conflicting ${file.conflicts === 1 ? 'hunk' : 'hunks'})`
          : ACTION_NOTES[file.action]
            ? ` (${ACTION_NOTES[file.action]})`
            : '';
      return `  ${ACTION_LABELS[file.action].padEnd(width)}${file.path}${detail}`;
    }),
    plan.files.length === 0 ? '  nothing to change: the template changes are already in your files' : undefined,
    `${count('updated', 'merged', 'migrated')} merged cleanly, ${count('conflict')} with conflicts, ` +
      `${count('added')} added, ${count('removed')} removed, ${count('kept-dropped', 'kept-deleted')} left as you had them.`,
  ].filter((line): line is string => line !== undefined);
}

/** What the team does next. */
export function nextSteps(plan: UpdatePlan, projenRan: boolean): string[] {
  const conflicts = conflictsOf(plan);
  return [
    'Next steps:',
    ...(conflicts.length > 0
      ? [`  - resolve the conflict markers (<<<<<<< … >>>>>>>) in: ${conflicts.join(', ')}`]
      : []),
    ...(projenRan ? [] : ['  - npx projen            (re-render the managed files with the new version)']),
    '  - npx projen build      (compile, test, synth with cdk-nag)',
    '  - git diff              (review the update), then commit it',
  ];
}
