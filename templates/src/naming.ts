/**
 * Names derived from the configuration, in one place. The CloudFormation stack name itself comes
 * ready-made from the managed config (`stackConfig.stackName`: the npm project name with its scope
 * stripped and anything but letters, digits and hyphens replaced by `-`).
 */

/** SSM Parameter Store prefix under which the non-secret connection settings live, e.g. `/my-stack/database`. */
export function parameterPrefix(stackName: string): string {
  return `/${stackName}/database`;
}
