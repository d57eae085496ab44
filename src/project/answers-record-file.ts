import type { Project } from 'projen';
import semver from 'semver';
import { ANSWERS_RECORD_PATH, type AnswersRecord } from './answers-record.js';
import { JsonFile } from './projen-modules.js';
import { PACKAGE_NAME } from '../package-info.js';

/**
 * The answers and the version of the owned files, re-rendered from `.projenrc.ts` by every
 * `npx projen`: an edit there can never leave the record stale. `create-rds-iam-stack update`
 * starts from it.
 */
export class AnswersRecordFile extends JsonFile {
  constructor(project: Project, record: AnswersRecord) {
    if (!semver.valid(record.generatorVersion)) {
      throw new Error(
        `ownedFilesVersion ${JSON.stringify(record.generatorVersion)} must be a version such as "0.1.0": the ${PACKAGE_NAME} version the owned files come from`,
      );
    }
    super(project, ANSWERS_RECORD_PATH, {
      obj: { [PACKAGE_NAME]: JSON.parse(JSON.stringify(record)) as object },
      readonly: true,
      committed: true,
    });
  }
}
