import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** The project has uncommitted changes (or no git), and `--force` was not given. */
export class DirtyWorkTreeError extends Error {
  constructor(message: string) {
    super(`${message}\nCommit or stash first, so the update's changes can be reviewed and undone on their own (or pass --force).`);
    this.name = 'DirtyWorkTreeError';
  }
}

/** Refuses unless every change in the project is committed: the update's result is then one diff. */
export async function assertCleanWorkTree(projectDir: string): Promise<void> {
  let status: string;
  try {
    ({ stdout: status } = await promisify(execFile)('git', ['status', '--porcelain', '--untracked-files=normal', '--', '.'], { cwd: projectDir }));
  } catch {
    throw new DirtyWorkTreeError(`${projectDir} is not in a git work tree: the update could not be told apart from other changes.`);
  }
  const changed = status.split('\n').filter(Boolean);
  if (changed.length > 0) {
    const shown = changed.slice(0, 10).map((line) => `  ${line}`);
    if (changed.length > shown.length) shown.push(`  … and ${changed.length - shown.length} more`);
    throw new DirtyWorkTreeError([`${projectDir} has uncommitted changes:`, ...shown].join('\n'));
  }
}
