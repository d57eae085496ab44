import { open, readFile, unlink } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { PACKAGE_NAME } from '../package-info.js';
import { TargetError, type TargetPlan } from './target.js';

/**
 * One run per target: a lock file beside it (in its nearest existing parent) holding the owner's
 * process id. A lock whose process is gone (a run that was killed) is taken over. Returns the
 * lock's path; the caller removes it when done.
 */
export async function lockTarget(plan: TargetPlan): Promise<string> {
  const name = relative(plan.existingAncestor, plan.directory).split(sep).join('%2F') || basename(plan.directory);
  const path = join(plan.existingAncestor, `.${name}.${PACKAGE_NAME}.lock`);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (isRunning(owner)) {
      throw new TargetError(
        plan.shown,
        `is being written by another ${PACKAGE_NAME} run (process ${owner}, lock ${path}); wait for it to finish`,
      );
    }
    await unlink(path).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
