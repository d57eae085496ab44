import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PACKAGE_NAME = 'create-rds-iam-stack';

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/**
 * The root of this package, found by walking up from this module: the same code runs from
 * `src/` (tests) and from `lib/src/` (the published build), at different depths.
 */
export const PACKAGE_ROOT: string = (() => {
  let dir = import.meta.dirname;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as PackageJson).name === PACKAGE_NAME) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the ${PACKAGE_NAME} package root above ${import.meta.dirname}`);
    dir = parent;
  }
})();

export const PACKAGE_JSON: PackageJson = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));

export const PACKAGE_VERSION = PACKAGE_JSON.version;

export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');
