import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ejs from 'ejs';
import { templateData } from './template-data.js';
import type { StackAnswers } from '../../src/answers/index.js';
import { TEMPLATES_DIR } from '../../src/package-info.js';
import { renderProjenrc, type ProjenrcExtras } from '../../src/project/projenrc-source.js';

/**
 * This module's path inside the published package. `create-rds-iam-stack update` imports it from the
 * version a project was generated with to render that version's owned files: later versions keep
 * the path and the signature of `renderOwnedFiles`.
 */
export const OWNED_FILES_ENTRY = 'lib/generators/app/owned-files.js';

/** The owned files of a project, by path relative to its root (POSIX separators), in path order. */
export type OwnedFiles = ReadonlyMap<string, string>;

/**
 * Renders every file the team owns: `templates/` (`*.ejs` rendered with the answers, the rest as
 * they are) and `.projenrc.ts`. The generator writes exactly these; `update` merges them.
 */
export async function renderOwnedFiles(answers: StackAnswers, extras: ProjenrcExtras = {}): Promise<OwnedFiles> {
  const data = templateData(answers);
  const files = new Map<string, string>();
  for (const source of await listFiles(TEMPLATES_DIR)) {
    const template = ownedPath(relative(TEMPLATES_DIR, source).split('\\').join('/'));
    // Synchronous: an awaited read is four trips through the thread pool (open, stat, read, close).
    const contents = readFileSync(source, 'utf8');
    if (template.endsWith('.ejs')) {
      // As Yeoman's copyTpl renders: the file name lets templates include partials.
      files.set(template.replace(/\.ejs$/, ''), ejs.render(contents, data, { filename: source, async: false }));
    } else {
      files.set(template, contents);
    }
  }
  files.set('.projenrc.ts', renderProjenrc(answers, extras));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `npm pack` drops dotfiles such as `.gitignore`: templates keep them as `_gitignore`, `_dockerignore`. */
function ownedPath(path: string): string {
  return path.replace(/(^|\/)_(gitignore|dockerignore)$/, '$1.$2');
}

export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
