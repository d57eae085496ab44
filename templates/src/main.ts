import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RdsIamStack } from './rds-iam-stack.js';
import { stackConfig } from './stack-config.js';

const app = new App();
// cdk-nag 3.x is a policy-validation plugin: unacknowledged findings fail `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

new RdsIamStack(app, stackConfig.stackName, {
  config: stackConfig,
  env: { region: stackConfig.region, account: process.env.CDK_DEFAULT_ACCOUNT },
  description: `${stackConfig.projectName}: zero-secret MySQL (RDS for MySQL 8.4, RDS Proxy, IAM auth)`,
});
Tags.of(app).add('project', stackConfig.projectName);

app.synth();
