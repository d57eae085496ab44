import { spawnSync } from 'node:child_process';

const PIP = 'pip install -r tools/validators.txt';

/**
 * The validators the e2e suite runs on generated output, with the argument that prints their version
 * and how to install them; it fails, with directions, when one is missing. `tools/dev test` installs
 * them all (versions in tools/validators.txt and tools/dev).
 */
const VALIDATORS = {
  'cfn-lint': { versionFlag: '--version', install: PIP },
  'checkov': { versionFlag: '--version', install: PIP },
  'zizmor': { versionFlag: '--version', install: PIP },
  'actionlint': {
    versionFlag: '-version',
    install: 'go install github.com/rhysd/actionlint/cmd/actionlint@<ACTIONLINT_VERSION in tools/dev>',
  },
} as const;

export function assertValidatorsInstalled(): void {
  const missing = Object.entries(VALIDATORS).filter(
    ([tool, { versionFlag }]) => spawnSync(tool, [versionFlag], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length > 0) {
    throw new Error(
      `Missing ${missing.map(([tool]) => tool).join(', ')}: ${[...new Set(missing.map(([, { install }]) => install))].join('; ')} ` +
        '(tools/dev test installs them into .tools/).',
    );
  }
}
