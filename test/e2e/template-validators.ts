import { spawnSync } from 'node:child_process';

/**
 * The validators the e2e suite runs on generated output; it fails, with directions, when one is
 * missing. `tools/dev test` installs them all (versions in tools/validators.txt and tools/dev).
 */
const VALIDATORS = {
  'cfn-lint': 'pip install -r tools/validators.txt',
  'checkov': 'pip install -r tools/validators.txt',
  'zizmor': 'pip install -r tools/validators.txt',
  'actionlint': 'go install github.com/rhysd/actionlint/cmd/actionlint@<ACTIONLINT_VERSION in tools/dev>',
} as const;

export function assertValidatorsInstalled(): void {
  const missing = Object.entries(VALIDATORS).filter(
    ([tool]) => spawnSync(tool, tool === 'actionlint' ? ['-version'] : ['--version'], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length > 0) {
    throw new Error(
      `Missing ${missing.map(([tool]) => tool).join(', ')}: ${[...new Set(missing.map(([, how]) => how))].join('; ')} ` +
        '(tools/dev test installs them into .tools/).',
    );
  }
}
