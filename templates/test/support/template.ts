/**
 * Helpers for assertions on synthesized templates.
 *
 * Asset hashes (S3 keys of bundled Lambdas, asset ids) change whenever a dependency or aws-cdk-lib
 * changes a bundled handler; normalise them before comparing whole templates. If you add a template
 * snapshot test, register the serializer in that test file (there is no custom jest config):
 * `expect.addSnapshotSerializer(assetHashSerializer)`, and commit the snapshot written by a first
 * run without `--ci` (with `--ci` a missing snapshot fails).
 */
import type { Template } from 'aws-cdk-lib/assertions';

const HASH = /[0-9a-f]{64}/g;
const PLACEHOLDER = 'ASSET-HASH';

/** Deep copy of `value` with every 64-hex asset hash replaced by a placeholder. */
export function normalizeAssetHashes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(HASH, PLACEHOLDER)) as T;
}

/** Jest snapshot serializer doing the same for strings inside a snapshot. */
export const assetHashSerializer = {
  test: (value: unknown): boolean => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value: string): string => JSON.stringify(value.replace(HASH, PLACEHOLDER)),
};

/** `{ 'AWS::EC2::Subnet': 6, ... }`, keys sorted: a compact, reviewable picture of a template. */
export function resourceTypeCounts(template: Template): Record<string, number> {
  const counts: Record<string, number> = {};
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  for (const { Type } of Object.values(resources)) counts[Type] = (counts[Type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
