import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RdsIamStack } from '../../src/rds-iam-stack.js';
import type { StackConfig, StageConfig } from '../../src/stack-config.js';

export interface SynthOptions {
  /** Use the feature flags a new CDK project (and projen's cdk.json) enables. */
  readonly recommendedFlags?: boolean;
}

/** The stage a test synthesizes: the config's last (production) one. */
export function lastStage(config: StackConfig): StageConfig {
  const stage = config.stages.at(-1);
  if (!stage) throw new Error(`${config.projectName} has no stage`);
  return stage;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: RdsIamStack;
  readonly template: Template;
}

/** A fresh app with the cdk-nag plugin as src/main.ts adds it: synthesis throws on unacknowledged findings. */
export function checkedApp(context: Record<string, unknown> = {}): App {
  const app = new App({ context });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return app;
}

/** Builds (without synthesizing) the app stack of the config's last stage as src/stages.ts does: always a fresh app. */
export function build(config: StackConfig, options: SynthOptions = {}): { app: App; stack: RdsIamStack } {
  const app = checkedApp(options.recommendedFlags ? { ...CURRENTLY_RECOMMENDED_FLAGS } : {});
  const stage = lastStage(config);
  const stack = new RdsIamStack(app, stage.stackName, {
    config,
    stage,
    env: { region: stage.region, account: stage.account ?? '123456789012' },
  });
  return { app, stack };
}

// Synthesis (esbuild bundle + cdk-nag) takes seconds and tests only read the result: share one per
// config object and flag set within a test file. Tests that add constructs or need an independent
// synthesis use build().
const cache = new WeakMap<StackConfig, Map<boolean, Synthesized>>();

/** Builds and synthesizes, cached per config object; synthesis runs the validation plugins, so nag findings throw here. */
export function synthesize(config: StackConfig, options: SynthOptions = {}): Synthesized {
  const flags = options.recommendedFlags ?? false;
  const byFlags = cache.get(config) ?? new Map<boolean, Synthesized>();
  cache.set(config, byFlags);
  let result = byFlags.get(flags);
  if (!result) {
    const { app, stack } = build(config, options);
    result = { app, stack, template: Template.fromStack(stack) };
    byFlags.set(flags, result);
  }
  return result;
}

/** Runs AwsSolutionsChecks over the construct tree and returns the unacknowledged findings. */
export function nagFindings(scope: App | Stack): string[] {
  const report = new AwsSolutionsChecks(scope).validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`),
  );
}
