import { constants } from 'node:fs';
import { access, lstat, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** Entries that do not make a directory "used": a fresh clone or an editor may leave them. */
const IGNORABLE_ENTRIES = new Set(['.git', '.DS_Store', 'Thumbs.db', '.idea', '.vscode']);

/** A target directory that cannot be used, in the field/value/rule form. */
export class TargetError extends Error {
  constructor(
    readonly directory: string,
    rule: string,
  ) {
    super(`Target directory "${directory}" ${rule}`);
    this.name = 'TargetError';
  }
}

export class TargetNotEmptyError extends TargetError {
  constructor(
    directory: string,
    readonly entries: readonly string[],
  ) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
    super(
      directory,
      `must be empty or not exist; it holds ${shown}. Choose another directory, or pass --force to write into it.`,
    );
    this.name = 'TargetNotEmptyError';
  }
}

/** Where a run writes, worked out before anything is created. */
export interface TargetPlan {
  /** The directory as the user named it (for messages). */
  readonly shown: string;
  /** The directory written into: a symbolic link is followed to the directory it names. */
  readonly directory: string;
  /** Whether it exists already (then it is filled in place: same inode, same mode). */
  readonly exists: boolean;
  /** The nearest existing directory at or above the target's parent: missing parents are made only on success. */
  readonly existingAncestor: string;
}

/**
 * Checks the target before anything is written: a file, a dangling symbolic link, a path through a
 * file or a directory that cannot be written are refused here, never after an install.
 */
export async function planTarget(shown: string, path: string): Promise<TargetPlan> {
  const entry = await lstat(path).catch(ignoreMissing);
  if (entry?.isSymbolicLink()) {
    const resolved = await realpath(path).catch(ignoreMissing);
    if (!resolved) throw new TargetError(shown, 'is a symbolic link to a path that does not exist; it must name a directory');
    return planTarget(shown, resolved);
  }
  if (entry && !entry.isDirectory()) throw new TargetError(shown, 'is a file; it must be a directory or not exist');
  if (entry) {
    await assertWritable(shown, path);
    return { shown, directory: path, exists: true, existingAncestor: dirname(path) };
  }
  const ancestor = await nearestExistingAncestor(shown, dirname(path));
  await assertWritable(shown, ancestor);
  return { shown, directory: join(await realpath(ancestor), relative(ancestor, path)), exists: false, existingAncestor: await realpath(ancestor) };
}

async function nearestExistingAncestor(shown: string, start: string): Promise<string> {
  for (let directory = start; ; directory = dirname(directory)) {
    const found = await stat(directory).catch(ignoreMissing);
    if (found?.isDirectory()) return directory;
    if (found) throw new TargetError(shown, `cannot be created: "${directory}" is a file`);
    if (dirname(directory) === directory) throw new TargetError(shown, 'cannot be created: no existing parent directory');
  }
}

async function assertWritable(shown: string, directory: string): Promise<void> {
  try {
    // eslint-disable-next-line no-bitwise -- access() takes a mask of modes
    await access(directory, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'is on a read-only file system' : `is not writable (${code ?? String(error)})`;
    throw new TargetError(shown, `cannot be written: "${directory}" ${why}; choose a directory you can write to`);
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
  throw error;
}

/** The entries that make a directory non-empty; none when it does not exist. */
async function occupyingEntries(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory)).filter((entry) => !IGNORABLE_ENTRIES.has(entry)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export async function assertEmptyTarget(directory: string, shown = directory): Promise<void> {
  const entries = await occupyingEntries(directory);
  if (entries.length > 0) throw new TargetNotEmptyError(shown, entries);
}
