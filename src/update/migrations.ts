import semver from 'semver';

/**
 * A step between two versions where merging text is not enough: a renamed answer, a construct
 * moved to another file. Like `ng update`'s migrations, each belongs to the version that made the
 * change and runs when a project crosses that version.
 */
export interface Migration {
  /** The version that made the change: runs when updating from below it to it or beyond. */
  readonly version: string;
  /** One line for the summary, e.g. `databaseName replaces dbName`. */
  readonly description: string;
  /** Rewrites the recorded answers (raw, as an earlier version recorded them) to this version's shape. */
  readonly answers?: (answers: Record<string, unknown>) => Record<string, unknown>;
  /**
   * Rewrites owned files (by path) to this version's layout, e.g. a move: applied to the team's
   * files and to the recorded version's render alike, so the text merge then lines them up.
   */
  readonly files?: (files: ReadonlyMap<string, string>) => ReadonlyMap<string, string>;
}

/** This package's migrations. The first version has none. */
export const MIGRATIONS: readonly Migration[] = [];

/** The migrations an update from `from` to `to` crosses, oldest first. */
export function migrationsBetween(from: string, to: string, migrations: readonly Migration[] = MIGRATIONS): Migration[] {
  return migrations
    .filter((migration) => semver.gt(migration.version, from) && semver.lte(migration.version, to))
    .sort((a, b) => semver.compare(a.version, b.version));
}

/** Runs the answer steps in order. */
export function migrateAnswers(answers: Record<string, unknown>, migrations: readonly Migration[]): Record<string, unknown> {
  return migrations.reduce((current, migration) => migration.answers?.(current) ?? current, answers);
}

/** Runs the file steps in order. */
export function migrateFiles(files: ReadonlyMap<string, string>, migrations: readonly Migration[]): ReadonlyMap<string, string> {
  return migrations.reduce((current, migration) => migration.files?.(current) ?? current, files);
}
