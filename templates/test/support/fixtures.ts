/**
 * Named fixtures: apps whose templates tests only read, built by other means than a config of
 * configs.ts (other stack props, say). The writer (write-syntheses.ts) synthesizes each once per
 * run, recorded like a config's synthesis; `fixtureTemplatesOf(name)` (templates-of.ts) reads it in
 * any test file.
 */
import type { App, AppProps } from 'aws-cdk-lib';
import { fixtureKey } from './assemblies.js';
import { focusedConfigs } from './configs.js';
import { checkedApp, lastStage, WITHOUT_BUNDLING } from './synth.js';
import { RdsIamStack } from '../../src/rds-iam-stack.js';

/** Builds a fixture's app; `props` say where the writer wants its cloud assembly. Its `stack` (and `stack.edge`) are recorded. */
export type Fixture = (props?: Omit<AppProps, 'context'>) => { app: App; stack: RdsIamStack };

export const fixtures = {
  /** monitoring.test.ts: the alarm e-mail config's stack given the development profile (its stage's settings unchanged), as src/main.ts builds it. */
  developmentProfileWithAlarmEmail: (props = {}) => {
    const config = focusedConfigs.withAlarmEmail;
    const stage = lastStage(config);
    const app = checkedApp(WITHOUT_BUNDLING, props);
    const stack = new RdsIamStack(app, stage.stackName, { config, stage, profile: 'development', env: { region: stage.region, account: '123456789012' } });
    return { app, stack };
  },
} satisfies Record<string, Fixture>;

export type FixtureName = keyof typeof fixtures;

/** The fixtures' record files, in the order the writer synthesizes them. */
export const fixtureKeys: readonly { name: FixtureName; key: string }[] = (Object.keys(fixtures) as FixtureName[]).map((name) => ({
  name,
  key: fixtureKey(name),
}));
