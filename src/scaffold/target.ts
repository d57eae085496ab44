import { readdir } from 'node:fs/promises';

/** Entries that do not make a directory "used": a fresh clone or an editor may leave them. */
const IGNORABLE_ENTRIES = new Set(['.git', '.DS_Store', 'Thumbs.db', '.idea', '.vscode']);

export class TargetNotEmptyError extends Error {
  constructor(
    readonly directory: string,
    readonly entries: readonly string[],
  ) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
    super(
      `Target directory "${directory}" must be empty or not exist; it holds ${shown}. ` +
        'Choose another directory, or pass --force to write into it.',
    );
    this.name = 'TargetNotEmptyError';
  }
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

export async function assertEmptyTarget(directory: string): Promise<void> {
  const entries = await occupyingEntries(directory);
  if (entries.length > 0) throw new TargetNotEmptyError(directory, entries);
}
