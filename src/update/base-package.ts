import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { OWNED_FILES_ENTRY, type OwnedFiles } from '../../generators/app/owned-files.js';
import { PACKAGE_NAME } from '../package-info.js';

/** Renders a version's owned files from answers that version recorded (its own `renderOwnedFiles`). */
export type RenderOwnedFiles = (answers: unknown, extras?: { packageManager?: string; packageSource?: string }) => Promise<OwnedFiles>;

export interface BasePackage {
  readonly version: string;
  readonly renderOwnedFiles: RenderOwnedFiles;
}

/**
 * Installs another version of this package into `workDir` (from the registry, a tarball, any npm
 * spec) and loads its owned-file rendering. projen, a peer dependency, is left out: rendering the
 * owned files does not load it.
 */
export async function loadBasePackage(spec: string, workDir: string): Promise<BasePackage> {
  try {
    await promisify(execFile)(
      'npm',
      ['install', '--prefix', workDir, '--no-save', '--no-package-lock', '--ignore-scripts', '--omit=peer', '--no-audit', '--no-fund', '--loglevel=error', spec],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`Cannot install ${spec} to render the owned files of that version: ${stderr || (error as Error).message}`);
  }
  const root = join(workDir, 'node_modules', PACKAGE_NAME);
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const module = (await import(pathToFileURL(join(root, OWNED_FILES_ENTRY)).href)) as { renderOwnedFiles?: RenderOwnedFiles };
  if (typeof module.renderOwnedFiles !== 'function') {
    throw new Error(`${spec} (${PACKAGE_NAME} ${version}) has no ${OWNED_FILES_ENTRY}: it is older than update support.`);
  }
  return { version, renderOwnedFiles: module.renderOwnedFiles };
}
