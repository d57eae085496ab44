/**
 * Helpers for assertions on synthesized templates.
 *
 * Asset hashes (S3 keys of bundled Lambdas, asset ids) change whenever a dependency or aws-cdk-lib
 * changes a bundled handler; normalise them (`normalizeAssetHashes`) before comparing or
 * snapshotting whole templates, as test/infra/template-snapshot.test.ts does. Commit the snapshot
 * that the scaffold (or `npx projen test:snapshot`) writes: with `--ci` a missing snapshot fails.
 */
import { expect } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';

const HASH = /[0-9a-f]{64}/g;
const PLACEHOLDER = 'ASSET-HASH';

/** Deep copy of `value` with every 64-hex asset hash replaced by a placeholder. */
export function normalizeAssetHashes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(HASH, PLACEHOLDER)) as T;
}

/** `{ 'AWS::EC2::Subnet': 6, ... }`, keys sorted: a compact, reviewable picture of a template. */
export function resourceTypeCounts(template: Template): Record<string, number> {
  const counts: Record<string, number> = {};
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  for (const { Type } of Object.values(resources)) counts[Type] = (counts[Type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** The one resource of `type` in the template (asserts there is exactly one): its logical id and properties. */
export function onlyResource(template: Template, type: string): { id: string; props: Record<string, any> } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return { id: found[0]![0], props: found[0]![1].Properties };
}

/** `arn:${Partition}:rds-db:<region>:<account>:dbuser:<prx-id>/<user>` in the tests' account (see synth.ts), the prx- id split from the proxy ARN. */
export function proxyUserArn(region: string, proxyLogicalId: string, user: string) {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:rds-db:${region}:123456789012:dbuser:`,
        { 'Fn::Select': [6, { 'Fn::Split': [':', { 'Fn::GetAtt': [proxyLogicalId, 'DBProxyArn'] }] }] },
        `/${user}`,
      ],
    ],
  };
}
