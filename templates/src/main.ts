import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackConfig } from './stack-config.js';
import { addStages } from './stages.js';

const app = new App();
// cdk-nag 3.x is a policy-validation plugin: unacknowledged findings fail `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

// Context (cdk.json or `-c key=value`): githubOidcProviderArn (comma-separated, one per account)
// when an account already has the GitHub provider; githubOwnerId + githubRepositoryId to trust
// GitHub's immutable subject claims.
const ownerId = contextString('githubOwnerId');
const repositoryId = contextString('githubRepositoryId');
if ((ownerId === undefined) !== (repositoryId === undefined)) {
  throw new Error('Set both githubOwnerId and githubRepositoryId (immutable subject claims), or neither');
}

// One Stage per configured stage (`<stage>/App`, stack `<stack>-<stage>`), and with a GitHub
// repository one CI-access stack per account, deployed once by an administrator.
addStages(app, stackConfig, {
  defaultAccount: process.env.CDK_DEFAULT_ACCOUNT,
  // `-c deletionProtection=false` only to delete a stage: the destroy workflow deploys that stage so first.
  deletionProtection: contextString('deletionProtection') !== 'false',
  existingOidcProviderArns: contextString('githubOidcProviderArn')?.split(',').map((arn) => arn.trim()),
  immutableSubject: ownerId && repositoryId ? { ownerId, repositoryId } : undefined,
});
Tags.of(app).add('project', stackConfig.projectName);

app.synth();

function contextString(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  return String(value);
}
