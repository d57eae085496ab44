import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writesFile, type UpdatePlan } from './plan.js';

/**
 * Writes the plan into the project. Everything was computed before: this only moves finished texts
 * into place, each through a temporary file, and synchronously, so a Ctrl-C lands before or after
 * the whole of it, never between two files.
 */
export function applyPlan(projectDir: string, plan: UpdatePlan): void {
  for (const file of plan.files) {
    const target = join(projectDir, file.path);
    if (writesFile(file)) {
      mkdirSync(dirname(target), { recursive: true });
      const staged = `${target}.update-${process.pid}`;
      writeFileSync(staged, file.text);
      renameSync(staged, target);
    } else if (file.action === 'removed' || file.action === 'migrated') {
      rmSync(target, { force: true });
    }
  }
}
