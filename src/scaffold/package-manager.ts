import type { javascript } from 'projen';

export interface PackageManager {
  /** Command name, e.g. `pnpm`. */
  readonly command: string;
  /** How projen names it in the generated project. */
  readonly projen: javascript.NodePackageManager;
  /** How to run a package script, e.g. `npm run`. */
  readonly run: string;
}

// projen's enum values, written out so that choosing a package manager does not load projen.
const PROJEN_NPM = 'npm' as javascript.NodePackageManager.NPM;
const PROJEN_PNPM = 'pnpm' as javascript.NodePackageManager.PNPM;
const PROJEN_YARN_CLASSIC = 'yarn_classic' as javascript.NodePackageManager.YARN_CLASSIC;
const PROJEN_YARN_BERRY = 'yarn_berry' as javascript.NodePackageManager.YARN_BERRY;
const PROJEN_BUN = 'bun' as javascript.NodePackageManager.BUN;

export const NPM: PackageManager = { command: 'npm', projen: PROJEN_NPM, run: 'npm run' };

/** The `javascript.NodePackageManager` member name of each value, for the generated `.projenrc.ts`. */
export const PROJEN_PACKAGE_MANAGER_KEYS: Readonly<Record<string, string>> = {
  [PROJEN_NPM]: 'NPM',
  [PROJEN_PNPM]: 'PNPM',
  [PROJEN_YARN_CLASSIC]: 'YARN_CLASSIC',
  [PROJEN_YARN_BERRY]: 'YARN_BERRY',
  [PROJEN_BUN]: 'BUN',
};

/**
 * The package manager that launched us, from `npm_config_user_agent`
 * (e.g. `pnpm/10.4.0 npm/? node/v24.11.0 linux x64`); npm when unknown.
 */
export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const [name, version = '0'] = (userAgent?.split(' ')[0] ?? '').split('/');
  switch (name) {
    case 'pnpm':
      return { command: 'pnpm', projen: PROJEN_PNPM, run: 'pnpm' };
    case 'yarn':
      return { command: 'yarn', projen: Number.parseInt(version, 10) >= 2 ? PROJEN_YARN_BERRY : PROJEN_YARN_CLASSIC, run: 'yarn' };
    case 'bun':
      return { command: 'bun', projen: PROJEN_BUN, run: 'bun run' };
    default:
      return NPM;
  }
}
