import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import helpers from 'yeoman-test';
import RdsIamStackGenerator, { type GeneratorFlags } from '../../generators/app/index.js';
import { PACKAGE_ROOT } from '../../src/package-info.js';

/** Runs the generator in a fresh temp dir (yeoman-test), never installing. */
export function runGenerator(options: GeneratorFlags = {}, answers?: Record<string, unknown>) {
  const context = helpers
    .run(RdsIamStackGenerator, {
      namespace: 'create-rds-iam-stack:app',
      resolved: join(PACKAGE_ROOT, 'generators/app/index.ts'),
    })
    .withOptions({ skipInstall: true, git: false, ...options } as never);
  return answers ? context.withAnswers(answers) : context;
}

/** Every file under a directory, relative and sorted. */
export function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter((path) => !path.startsWith('.git/'))
    .sort();
}

export function readText(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

/** Makes output comparable across releases: the package version is not part of a snapshot. */
export function normaliseVersions(text: string, version: string): string {
  return text.split(version).join('<version>');
}
