import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CiAccessStack } from './ci-access-stack.js';
import { EDGE_REGION } from './edge-stack.js';
import { ciAccessStackName, deploymentNames } from './naming.js';
import { RdsIamStack } from './rds-iam-stack.js';
import { stackConfig } from './stack-config.js';

const app = new App();
// cdk-nag 3.x is a policy-validation plugin: unacknowledged findings fail `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

const env = { region: stackConfig.region, account: process.env.CDK_DEFAULT_ACCOUNT };

new RdsIamStack(app, stackConfig.stackName, {
  config: stackConfig,
  // `-c deletionProtection=false` only to delete the stack: the destroy workflow deploys that first.
  deletionProtection: contextString('deletionProtection') !== 'false',
  env,
  description: `${stackConfig.projectName}: zero-secret MySQL (RDS for MySQL 8.4, RDS Proxy, IAM auth)`,
});

if (stackConfig.githubRepository) {
  // Deployed once by an administrator; the pipeline then deploys only the stack above.
  // Context (cdk.json or `-c key=value`): githubOidcProviderArn when the account already has the
  // GitHub provider; githubOwnerId + githubRepositoryId to trust GitHub's immutable subject claims.
  const ownerId = contextString('githubOwnerId');
  const repositoryId = contextString('githubRepositoryId');
  if ((ownerId === undefined) !== (repositoryId === undefined)) {
    throw new Error('Set both githubOwnerId and githubRepositoryId (immutable subject claims), or neither');
  }
  new CiAccessStack(app, ciAccessStackName(stackConfig.stackName), {
    githubRepository: stackConfig.githubRepository,
    appStackName: stackConfig.stackName,
    additionalRegions: [EDGE_REGION],
    deployment: deploymentNames(stackConfig.stackName),
    existingOidcProviderArn: contextString('githubOidcProviderArn'),
    immutableSubject: ownerId && repositoryId ? { ownerId, repositoryId } : undefined,
    env,
    description: `${stackConfig.projectName}: GitHub Actions OIDC access (deploy and diff roles)`,
  });
}
Tags.of(app).add('project', stackConfig.projectName);

app.synth();

function contextString(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  return String(value);
}
