import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RdsIamStack } from '../../src/rds-iam-stack.js';
import type { StackConfig } from '../../src/stack-config.js';

export interface SynthOptions {
  /** Use the feature flags a new CDK project (and projen's cdk.json) enables. */
  readonly recommendedFlags?: boolean;
  /** Directory for the cloud assembly. */
  readonly outdir?: string;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: RdsIamStack;
  readonly template: Template;
}

/** Builds (without synthesizing) the app exactly as src/main.ts does, for a given config. */
export function build(config: StackConfig, options: SynthOptions = {}): { app: App; stack: RdsIamStack } {
  const app = new App({
    outdir: options.outdir,
    context: options.recommendedFlags ? { ...CURRENTLY_RECOMMENDED_FLAGS } : {},
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const stack = new RdsIamStack(app, config.stackName, {
    config,
    env: { region: config.region, account: '123456789012' },
  });
  return { app, stack };
}

/** Builds and synthesizes; synthesis runs the validation plugins, so nag findings throw here. */
export function synthesize(config: StackConfig, options: SynthOptions = {}): Synthesized {
  const { app, stack } = build(config, options);
  return { app, stack, template: Template.fromStack(stack) };
}

/** Runs AwsSolutionsChecks over the construct tree and returns the unacknowledged findings. */
export function nagFindings(scope: App | Stack): string[] {
  const report = new AwsSolutionsChecks(scope).validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`),
  );
}
