import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS, CURRENTLY_RECOMMENDED_FLAGS, VALIDATE_AGAINST_DEFAULT_RULES } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type SharedTemplates, sharedTemplates, type SynthesisRecord, type SynthOptions } from './assemblies.js';
import { SHARED_SYNTHESES_DIR } from './global-setup.js';
import { RdsIamStack } from '../../src/rds-iam-stack.js';
import type { StackConfig, StageConfig } from '../../src/stack-config.js';

export type { SynthOptions } from './assemblies.js';

/**
 * App context that skips bundling the Lambda in every stack: for trees whose assertions do not read
 * the bundle (bundle.smoke.test.ts and the shared syntheses bundle it).
 */
export const WITHOUT_BUNDLING: Readonly<Record<string, unknown>> = { [BUNDLING_STACKS]: [] };

/** The stage a test synthesizes: the config's last (production) one. */
export function lastStage(config: StackConfig): StageConfig {
  const stage = config.stages.at(-1);
  if (!stage) throw new Error(`${config.projectName} has no stage`);
  return stage;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: RdsIamStack;
  /** The app stack's template. */
  readonly template: Template;
  /** The template of its us-east-1 companion stack (`stack.edge`). */
  readonly edge: Template;
  /** The app's unacknowledged cdk-nag findings (`nagFindings(app)`): a shared synthesis recorded them. */
  readonly nagFindings: readonly string[];
}

/**
 * A fresh app with the cdk-nag plugin as src/main.ts adds it: synthesis throws on unacknowledged findings.
 * Its cloud assembly goes into this run's directory (removed by global-teardown.ts) rather than a
 * temp directory of its own that nothing removes.
 *
 * aws-cdk-lib's built-in template validation runs only where it can fail synthesis: with
 * `validateAgainstDefaultRules` (a recommended flag, set in the project's cdk.json). Without it, its
 * errors become printed warnings that no test reads, and it costs seconds per test file (a
 * WebAssembly engine loaded into every file's module registry).
 */
export function checkedApp(context: Record<string, unknown> = {}, props: Omit<AppProps, 'context'> = {}): App {
  const builtinCloudFormationValidation = context[VALIDATE_AGAINST_DEFAULT_RULES] === true;
  const app = new App({ outdir: runOutdir(), builtinCloudFormationValidation, ...props, context });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return app;
}

/** A fresh directory for one app's cloud assembly inside this run's directory, or CDK's own temp directory outside a jest run. */
function runOutdir(): string | undefined {
  const dir = process.env[SHARED_SYNTHESES_DIR];
  return dir ? mkdtempSync(join(dir, 'cdk.out-')) : undefined;
}

/** Builds (without synthesizing) the app stack of the config's last stage as src/stages.ts does: always a fresh app. */
export function build(
  config: StackConfig,
  options: SynthOptions = {},
  context: Record<string, unknown> = {},
  props: Omit<AppProps, 'context'> = {},
): { app: App; stack: RdsIamStack } {
  const app = checkedApp({ ...(options.recommendedFlags ? CURRENTLY_RECOMMENDED_FLAGS : {}), ...context }, props);
  const stage = lastStage(config);
  const stack = new RdsIamStack(app, stage.stackName, {
    config,
    stage,
    env: { region: stage.region, account: stage.account ?? '123456789012' },
  });
  return { app, stack };
}

// Synthesis (esbuild bundle + cdk-nag) takes seconds and tests only read the result. Configs of
// sharedSyntheses() (assemblies.ts) are synthesized once per test run for all test files; others
// once per config object and flag set within a test file. Tests that add constructs or need an
// independent synthesis use build().
const cache = new WeakMap<StackConfig, Map<boolean, Synthesized>>();

/**
 * The synthesized stack of `config`, cached; synthesis runs the validation plugins, so nag findings
 * throw here. A shared synthesis is read from this run's directory; its `app` and `stack` are built
 * (and synthesized, without bundling) only when a test reads them.
 */
export function synthesize(config: StackConfig, options: SynthOptions = {}): Synthesized {
  const flags = options.recommendedFlags ?? false;
  const byFlags = cache.get(config) ?? new Map<boolean, Synthesized>();
  cache.set(config, byFlags);
  let result = byFlags.get(flags);
  if (!result) {
    const shared = sharedTemplates(config, options);
    result = shared ? withTreeOnDemand(config, options, shared) : synthesizeHere(config, options);
    byFlags.set(flags, result);
  }
  return result;
}

function synthesizeHere(config: StackConfig, options: SynthOptions): Synthesized {
  const { app, stack } = build(config, options);
  const template = Template.fromStack(stack);
  let edge: Template | undefined;
  let findings: string[] | undefined;
  return {
    app,
    stack,
    template,
    get edge() {
      return (edge ??= Template.fromStack(stack.edge));
    },
    get nagFindings() {
      return (findings ??= nagFindings(app));
    },
  };
}

/** The shared templates and findings, and the construct tree built on first use (for construct metadata). */
function withTreeOnDemand(config: StackConfig, options: SynthOptions, { template, edge, nagFindings: findings }: SharedTemplates): Synthesized {
  let tree: { app: App; stack: RdsIamStack } | undefined;
  const built = () => {
    if (!tree) {
      // The shared synthesis bundled the Lambda and validated the templates already: skip both here.
      tree = build(config, options, WITHOUT_BUNDLING, { builtinCloudFormationValidation: false });
      tree.app.synth();
    }
    return tree;
  };
  return {
    template,
    edge,
    nagFindings: findings,
    get app() {
      return built().app;
    },
    get stack() {
      return built().stack;
    },
  };
}

/**
 * What a shared synthesis records of a built app (assemblies.ts): its stack's and companion's
 * templates and the app's cdk-nag findings, or the message synthesis threw.
 */
export function synthesisRecord(built: () => { app: App; stack: RdsIamStack }): SynthesisRecord {
  try {
    const { app, stack } = built();
    return { template: Template.fromStack(stack).toJSON(), edge: Template.fromStack(stack.edge).toJSON(), nagFindings: nagFindings(app) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Runs AwsSolutionsChecks over the construct tree and returns the unacknowledged findings. */
export function nagFindings(scope: App | Stack): string[] {
  const report = new AwsSolutionsChecks(scope).validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`),
  );
}
