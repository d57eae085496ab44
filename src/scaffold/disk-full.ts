import { statfs } from 'node:fs/promises';
import { ChildProcessError } from './child-process.js';

/** Below this much free space a failed install is put down to a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

export class DiskFullError extends Error {
  constructor(
    readonly directory: string,
    step: string,
  ) {
    super(
      `Disk full: no space left on the file system of "${directory}" (${step}). ` +
        'Free some space or choose a target on another file system, then run again.',
    );
    this.name = 'DiskFullError';
  }
}

/**
 * A failure caused by a full disk, said as such: ENOSPC from our own writes, or a child (npm, git)
 * that failed while the file system it wrote to has no space left.
 */
export async function asDiskFull(error: unknown, directory: string): Promise<DiskFullError | undefined> {
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC') return new DiskFullError(directory, 'writing the files');
  if (!(error instanceof ChildProcessError)) return undefined;
  const space = await statfs(directory).catch(() => undefined);
  if (space && space.bavail * space.bsize < NEARLY_FULL_BYTES) return new DiskFullError(directory, `\`${error.command}\` failed`);
  return undefined;
}
