import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../../src/package-info.js';
import { run } from '../support/commands.js';

/** This package as `npx create-rds-iam-stack` gets it: packed, then installed with its production dependencies. */
export interface PackedCli {
  /** The packed tarball, also the generated projects' `--package-source`. */
  readonly tarball: string;
  /** The installed command line's entry point. */
  readonly bin: string;
  /** Removes the install and the tarball. */
  readonly remove: () => void;
}

export function installPackedCli(): PackedCli {
  const install = mkdtempSync(join(tmpdir(), 'packed-cli-'));
  const env = { ...process.env, NODE_OPTIONS: '' };
  run('npm', ['pack', '--silent', '--pack-destination', install], { cwd: PACKAGE_ROOT, env });
  const tarball = join(install, `create-rds-iam-stack-${PACKAGE_VERSION}.tgz`);
  writeFileSync(join(install, 'package.json'), JSON.stringify({ name: 'packed-cli', private: true }));
  run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], { cwd: install, env });
  return {
    tarball,
    bin: join(install, 'node_modules/create-rds-iam-stack/lib/cli/bin.js'),
    remove: () => rmSync(install, { recursive: true, force: true }),
  };
}
