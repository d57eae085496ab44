import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Where a wildcard ARN points and why its wildcard cannot be avoided. */
export interface WildcardArnProps {
  /** Region of the resource (IAM ARNs have none). */
  readonly region: string;
  /** e.g. `ecs`, `cloudformation`, `iam`. */
  readonly service: string;
  /** The resource part, wildcard included, e.g. `task/<cluster>/*`. */
  readonly resource: string;
  /** Why the wildcard is needed: recorded with the cdk-nag acknowledgement. */
  readonly reason: string;
}

/**
 * `arn:<partition>:<service>:<region>:<account>:<resource>` in `grantee`'s account, whose wildcard
 * cdk-nag reports (AwsSolutions-IAM5): exactly that finding is acknowledged on `grantee` with the
 * reason, so any other wildcard still fails synth.
 */
export function wildcardArn(grantee: IConstruct, { region, service, resource, reason }: WildcardArnProps): string {
  const stack = Stack.of(grantee);
  const arn = (partition: string, arnRegion: string, account: string) =>
    `arn:${partition}:${service}:${service === 'iam' ? '' : arnRegion}:${account}:${resource}`;
  const appliesTo = arn(nagValue(stack.partition, 'AWS::Partition'), nagValue(region, 'AWS::Region'), nagValue(stack.account, 'AWS::AccountId'));
  Validations.of(grantee).acknowledge({ id: `AwsSolutions-IAM5[Resource::${appliesTo}]`, reason });
  return arn(stack.partition, region, stack.account);
}

/** A value as cdk-nag prints it in a finding: pseudo parameters as `<AWS::...>`. */
export function nagValue(value: string, pseudoParameter: string): string {
  return Token.isUnresolved(value) ? `<${pseudoParameter}>` : value;
}
