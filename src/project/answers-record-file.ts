import { JsonFile, type javascript, type Project } from 'projen';
import type { StackAnswers } from '../answers/index.js';
import { PACKAGE_NAME } from '../package-info.js';

/** Where the record lives: Yeoman's own file, so `--force` over a project reads its answers too. */
export const ANSWERS_RECORD_PATH = '.yo-rc.json';

/** What `.yo-rc.json` holds under this package's name. */
export interface AnswersRecord {
  /** The version of this package whose templates the owned files were last rendered or updated from. */
  readonly generatorVersion: string;
  /** The answers, as `.projenrc.ts` passes them. */
  readonly answers: StackAnswers;
  /** projen's package manager value, when not npm. */
  readonly packageManager?: javascript.NodePackageManager;
  /** Where the project installs this package from, when not the registry. */
  readonly packageSource?: string;
}

/**
 * The answers and the version of the owned files, re-rendered from `.projenrc.ts` by every
 * `npx projen`: an edit there can never leave the record stale. `create-rds-iam-stack update`
 * starts from it.
 */
export class AnswersRecordFile extends JsonFile {
  constructor(project: Project, record: AnswersRecord) {
    super(project, ANSWERS_RECORD_PATH, {
      obj: { [PACKAGE_NAME]: JSON.parse(JSON.stringify(record)) as object },
      readonly: true,
      committed: true,
    });
  }
}
