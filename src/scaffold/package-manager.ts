import { javascript } from 'projen';

export interface PackageManager {
  /** Command name, e.g. `pnpm`. */
  readonly command: string;
  /** How projen names it in the generated project. */
  readonly projen: javascript.NodePackageManager;
  /** How to run a package script, e.g. `npm run`. */
  readonly run: string;
}

const NPM: PackageManager = { command: 'npm', projen: javascript.NodePackageManager.NPM, run: 'npm run' };

/**
 * The package manager that launched us, from `npm_config_user_agent`
 * (e.g. `pnpm/10.4.0 npm/? node/v24.11.0 linux x64`); npm when unknown.
 */
export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const [name, version = '0'] = (userAgent?.split(' ')[0] ?? '').split('/');
  switch (name) {
    case 'pnpm':
      return { command: 'pnpm', projen: javascript.NodePackageManager.PNPM, run: 'pnpm' };
    case 'yarn':
      return {
        command: 'yarn',
        projen: Number.parseInt(version, 10) >= 2 ? javascript.NodePackageManager.YARN_BERRY : javascript.NodePackageManager.YARN_CLASSIC,
        run: 'yarn',
      };
    case 'bun':
      return { command: 'bun', projen: javascript.NodePackageManager.BUN, run: 'bun run' };
    default:
      return NPM;
  }
}
