/**
 * Names derived from the configuration, in one place. The stack names come ready-made from the
 * managed config: `stackConfig.stackName` (the npm project name with its scope stripped and anything
 * but letters, digits and hyphens replaced by `-`) and, per stage, `stage.stackName`
 * (`<stackName>-<stage>`). Every name below takes the stage's stack name, so two stages can share an
 * account and region.
 *
 * The app stack creates the resources below under these names, and the CI-access stack (deployed
 * first) grants the pipeline access to exactly them: that is why they are fixed, not generated.
 */

/** SSM Parameter Store prefix under which the non-secret connection settings live, e.g. `/my-stack/database`. */
export function parameterPrefix(stackName: string): string {
  return `/${stackName}/database`;
}

/**
 * The stack with the GitHub OIDC provider and the CI roles of one account: `my-stack-ci-access`
 * when all stages share one account, otherwise `my-stack-ci-access-<first stage in the account>`.
 */
export function ciAccessStackName(stackName: string, firstStageInAccount?: string): string {
  return firstStageInAccount ? `${stackName}-ci-access-${firstStageInAccount}` : `${stackName}-ci-access`;
}

/** The production (last) stage serves the domain itself, earlier stages `<stage>.<domain>`. */
export function stageDomainName(domainName: string, stage: { readonly name: string }, stages: readonly { readonly name: string }[]): string {
  return stages.at(-1)?.name === stage.name ? domainName : `${stage.name}.${domainName}`;
}

/** The app stack's companion in us-east-1 (CloudFront's web ACL and certificate), e.g. `my-stack-edge`. */
export function edgeStackName(stackName: string): string {
  return `${stackName}-edge`;
}

/** What the deploy pipeline touches in the app stack besides CloudFormation. */
export interface DeploymentNames {
  /** The app's ECR repository, e.g. `my-stack/app` (lower-case, no repeated or trailing `-`: ECR's rules). */
  readonly imageRepository: string;
  /** The ECS cluster, e.g. `my-stack`. */
  readonly cluster: string;
  /** Task definition family of the one-off migration task, e.g. `my-stack-migrate`. */
  readonly migrationFamily: string;
  /** IAM path of the migration task's roles, e.g. `/my-stack/migration/`: only they may be passed to it. */
  readonly migrationRolePath: string;
}

export function deploymentNames(stackName: string): DeploymentNames {
  return {
    imageRepository: `${stackName.toLowerCase().replace(/-+/g, '-').replace(/-$/, '')}/app`,
    cluster: stackName,
    migrationFamily: `${stackName}-migrate`,
    migrationRolePath: `/${stackName}/migration/`,
  };
}
