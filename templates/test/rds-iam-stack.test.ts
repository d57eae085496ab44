import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RdsIamStack } from '../src/rds-iam-stack.js';
import { stackConfig } from '../src/stack-config.js';

function synthesize() {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks());
  const stack = new RdsIamStack(app, stackConfig.stackName, { config: stackConfig, env: { region: stackConfig.region } });
  return { app, stack, template: Template.fromStack(stack) };
}

describe('RdsIamStack', () => {
  test('synthesizes in the configured region with cdk-nag clean', () => {
    const { app, stack } = synthesize();
    expect(stack.region).toBe(stackConfig.region);
    expect(() => app.synth()).not.toThrow();
  });
});
