import type { javascript } from 'projen';
import type { StackAnswers } from '../answers/index.js';

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
