import { expect, test } from '@jest/globals';
import { stackConfig } from '../../src/stack-config.js';
import { normalizeAssetHashes } from '../support/template.js';
import { templatesOf } from '../support/templates-of.js';

/**
 * The whole template of this project's stack, asset hashes normalised. The scaffold writes the
 * snapshot (or `npx projen test:snapshot` after a scaffold without install; commit it); CI refuses a
 * missing or different one. After an intended change, review the diff and run `npx projen test:update`.
 */
test('the synthesized template matches the reviewed snapshot', () => {
  const { template } = templatesOf(stackConfig, { recommendedFlags: true });
  expect(normalizeAssetHashes(template.toJSON())).toMatchSnapshot();
});
