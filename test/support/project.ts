import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { javascript } from 'projen';
import { parseAnswers, withDefaults } from '../../src/answers/index.js';
import { RdsIamStackProject } from '../../src/project/index.js';

/**
 * The project of the default answers for `orders-db`, changed by `overrides`, in a fresh temp dir
 * (projen's Testing.synth removes its outdir, so every project needs its own).
 */
export function newProject(overrides: Record<string, unknown> = {}, packageManager?: javascript.NodePackageManager): RdsIamStackProject {
  const answers = parseAnswers(withDefaults({ name: 'orders-db', ...overrides }));
  return new RdsIamStackProject({ ...answers, packageManager, outdir: mkdtempSync(join(tmpdir(), 'project-')) });
}
