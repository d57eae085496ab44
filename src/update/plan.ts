import type { MergeFunction, MergeLabels } from './merge.js';

/** Owned files by path relative to the project root. */
export type FileSet = ReadonlyMap<string, string>;

/** The three versions of the owned files that an update merges. */
export interface UpdateInputs {
  /** The recorded version's templates rendered with the recorded answers. */
  readonly base: FileSet;
  /** The running version's templates rendered with the same answers (plus new defaults). */
  readonly theirs: FileSet;
  /** The team's files now, for every path of `base` and `theirs` that exists in the project. */
  readonly ours: FileSet;
}

/** What happens to one owned file. */
export type FileAction =
  /** The team never changed it: the new template's text. */
  | 'updated'
  /** Both changed it, in different places: merged. */
  | 'merged'
  /** Both changed the same lines: written with conflict markers. */
  | 'conflict'
  /** New in the template: written. */
  | 'added'
  /** The template dropped it and the team never changed it: deleted. */
  | 'removed'
  /** The template dropped it but the team changed it: kept, for the team to decide. */
  | 'kept-dropped'
  /** The team deleted it and the template changed it: stays deleted. */
  | 'kept-deleted'
  /** Moved or rewritten by a migration, nothing else: written, or deleted when `text` is absent. */
  | 'migrated';

export interface PlannedFile {
  readonly path: string;
  readonly action: FileAction;
  /** The new text (for `updated`, `merged`, `conflict`, `added`, `migrated` unless moved away). */
  readonly text?: string;
  /** Conflicting hunks (for `conflict`). */
  readonly conflicts?: number;
}

/** Every file an update touches or reports, in path order; files nobody changed are left out. */
export interface UpdatePlan {
  readonly files: readonly PlannedFile[];
}

/**
 * Decides each owned file three ways, as copier and cruft do: the template's change since the
 * recorded version is applied to the team's copy, the team's own changes are kept, and where both
 * changed the same lines the file gets standard conflict markers.
 */
export async function planUpdate(inputs: UpdateInputs, merge: MergeFunction, labels: MergeLabels): Promise<UpdatePlan> {
  const paths = [...new Set([...inputs.base.keys(), ...inputs.theirs.keys()])].sort();
  const planned = await Promise.all(paths.map((path) => planFile(path, inputs, merge, labels)));
  return { files: planned.filter((file): file is PlannedFile => file !== undefined) };
}

async function planFile(
  path: string,
  { base, theirs, ours }: UpdateInputs,
  merge: MergeFunction,
  labels: MergeLabels,
): Promise<PlannedFile | undefined> {
  const before = base.get(path);
  const after = theirs.get(path);
  const current = ours.get(path);
  if (after === undefined) {
    // Dropped by the template.
    if (current === undefined) return undefined;
    return current === before ? { path, action: 'removed' } : { path, action: 'kept-dropped' };
  }
  if (current === undefined) {
    if (before === undefined) return { path, action: 'added', text: after };
    // Deleted by the team: a change of the template does not bring it back.
    return before === after ? undefined : { path, action: 'kept-deleted' };
  }
  if (current === after || before === after) return undefined;
  if (current === before) return { path, action: 'updated', text: after };
  // A file the team added at a path the template now uses merges against nothing.
  const result = await merge(current, before ?? '', after, labels);
  return result.conflicts > 0
    ? { path, action: 'conflict', text: result.text, conflicts: result.conflicts }
    : { path, action: 'merged', text: result.text };
}

/** Whether an action writes the file. */
export function writesFile(file: PlannedFile): file is PlannedFile & { text: string } {
  return file.text !== undefined;
}

/**
 * Adds what migrations did to the team's files and the merge left alone: a file a migration moved
 * away is deleted, one it wrote and nobody else changed is written as migrated.
 */
export function withMigratedFiles(plan: UpdatePlan, original: FileSet, migrated: FileSet): UpdatePlan {
  const planned = new Set(plan.files.map((file) => file.path));
  const extra: PlannedFile[] = [];
  for (const path of original.keys()) {
    if (!migrated.has(path) && !planned.has(path)) extra.push({ path, action: 'migrated' });
  }
  for (const [path, text] of migrated) {
    if (original.get(path) !== text && !planned.has(path)) extra.push({ path, action: 'migrated', text });
  }
  return { files: [...plan.files, ...extra].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}
