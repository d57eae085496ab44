/**
 * Writes Yeoman's in-memory files to disk concurrently. Yeoman's own commit awaits each file's
 * directory check, write and mode check before it starts the next file, so a scaffold of about a
 * hundred files spent most of its wall time waiting on the file system, one call at a time.
 *
 * The generator always writes into a fresh staging directory (files of an existing target are
 * reconciled by the generator itself), so there is no collision for Yeoman's conflicter to resolve:
 * this commit only writes, and prints the same `create <file>` line per file.
 */
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { Transform } from 'node:stream';
import type { MemFsEditorFile } from 'mem-fs-editor';
import { clearFileState, isFilePending, isFileNew, isFileStateDeleted, isFileStateModified, setCommittedFile } from 'mem-fs-editor/state';

/** What the commit needs from Yeoman's shared in-memory file system. */
export interface PendingFileStore {
  pipeline(options: { filter: (file: MemFsEditorFile) => boolean }, ...transforms: Transform[]): Promise<void>;
}

/** Commits every pending file of `store`, all at once; `created` is told each path relative to `root`. */
export async function commitConcurrently(store: PendingFileStore, root: string, created: (relativePath: string) => void): Promise<void> {
  const writes: Promise<void>[] = [];
  const startEach = new Transform({
    objectMode: true,
    transform(file: MemFsEditorFile, _encoding, callback) {
      if (isFileStateModified(file)) created(relative(root, file.path));
      writes.push(commitFile(file));
      callback(null, file);
    },
    // The pipeline ends only when every write has settled, failed or not: nothing is still being
    // written when a failure is handled (and the staging directory removed).
    flush(callback) {
      void Promise.allSettled(writes).then((results) => {
        const failure = results.find((result) => result.status === 'rejected');
        callback(failure ? (failure.reason as Error) : null);
      });
    },
  });
  await store.pipeline({ filter: isFilePending }, startEach);
}

async function commitFile(file: MemFsEditorFile): Promise<void> {
  if (isFileStateModified(file)) {
    setCommittedFile(file);
    await write(file);
  } else if (isFileStateDeleted(file) && !isFileNew(file)) {
    setCommittedFile(file);
    await rm(file.path, { recursive: true, force: true });
  }
  clearFileState(file);
}

async function write(file: MemFsEditorFile): Promise<void> {
  if (!file.contents) throw new Error(`${file.path}: cannot write an empty file`);
  await mkdir(dirname(file.path), { recursive: true });
  const mode = file.stat?.mode ?? undefined;
  await writeFile(file.path, file.contents, { mode });
  // The umask applies at creation; the mode the file was given (a read-only managed file) is kept exactly.
  if (mode != null) await chmod(file.path, mode);
}
