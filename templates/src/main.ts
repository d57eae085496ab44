import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RdsIamStack } from './rds-iam-stack.js';
import { stackConfig } from './stack-config.js';

const app = new App();
// cdk-nag findings fail the synth: every exception is acknowledged next to the resource it concerns.
Validations.of(app).addPlugins(new AwsSolutionsChecks({ verbose: true }));

new RdsIamStack(app, stackConfig.stackName, {
  config: stackConfig,
  env: { region: stackConfig.region, account: process.env.CDK_DEFAULT_ACCOUNT },
});

app.synth();
