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
  // npm removes what it wrote when it fails: the space may be free again, but its message says why.
  const space = await statfs(directory).catch(() => undefined);
  const full = /\bENOSPC\b|no space left on device/i.test(error.output) || (space !== undefined && space.bavail * space.bsize < NEARLY_FULL_BYTES);
  return full ? new DiskFullError(directory, `\`${error.command}\` failed`) : undefined;
}
