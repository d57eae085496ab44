import { spawnSync } from 'node:child_process';

/** The validators the field trusts for CloudFormation; the e2e suite fails, with directions, when one is missing. */
export const VALIDATORS = ['cfn-lint', 'checkov'] as const;

export function assertValidatorsInstalled(): void {
  const missing = VALIDATORS.filter((tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0);
  if (missing.length > 0) {
    throw new Error(
      `Missing ${missing.join(', ')}: install with \`pip install cfn-lint checkov\` (tools/dev test does this in .tools/venv).`,
    );
  }
}
