import { CfnResource, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Records, on a Lambda that aws-cdk-lib itself provides for a custom resource, why checkov's and
 * cfn-lint's findings do not apply; the tools run on the synthesized template show the reason.
 * `job` says what the handler does.
 */
export function recordCdkHandlerSuppressions(handler: CfnResource, job: string): void {
  handler.addMetadata('checkov', {
    skip: [
      { id: 'CKV_AWS_115', comment: `CDK custom-resource handler (${job}), invoked only by CloudFormation during deployments; no concurrency to cap` },
      { id: 'CKV_AWS_116', comment: 'CDK custom-resource handler: CloudFormation is the caller and reports failures; a DLQ would receive nothing' },
      { id: 'CKV_AWS_117', comment: `CDK custom-resource handler (${job}): it calls AWS APIs only and touches no VPC resource` },
    ],
  });
  // CDK renders both a GetAtt and an explicit DependsOn on the handler's role; harmless redundancy.
  handler.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
}

/** The handler of a CDK custom-resource provider singleton with id `providerId` in `stack`, if it exists. */
export function cdkProviderHandler(stack: Stack, providerId: string): CfnResource | undefined {
  const handler = stack.node.tryFindChild(providerId)?.node.tryFindChild('Handler');
  return handler instanceof CfnResource ? handler : undefined;
}

/** The CfnResource of a construct, e.g. of a Lambda function made by a CDK construct. */
export function defaultResource(construct: IConstruct | undefined): CfnResource | undefined {
  const resource = construct?.node.defaultChild;
  return resource instanceof CfnResource ? resource : undefined;
}

/**
 * `crossRegionReferences` makes its handlers (an SSM parameter writer in the producing stack, a
 * reader in the consuming one) only when the references are resolved, at synthesis: record the
 * linters' reasons on them then (validations run after references are resolved, before the
 * templates are written).
 */
export function recordCrossRegionReferenceHandlerSuppressions(stack: Stack): void {
  stack.node.addValidation({
    validate: () => {
      for (const [providerId, job] of [
        ['Custom::CrossRegionExportWriterCustomResourceProvider', 'writes the values other regions import as SSM parameters there'],
        ['Custom::CrossRegionExportReaderCustomResourceProvider', 'reads the SSM parameters written for this stack'],
      ] as const) {
        const handler = cdkProviderHandler(stack, providerId);
        if (handler && !handler.getMetadata('checkov')) recordCdkHandlerSuppressions(handler, job);
      }
      return [];
    },
  });
}
