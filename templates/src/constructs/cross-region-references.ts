import type { Stack } from 'aws-cdk-lib';
import { cdkProviderHandler, recordCdkHandlerSuppressions } from './cdk-handlers.js';

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
