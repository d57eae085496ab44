import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../src/package-info.js';
import { PINNED_ACTIONS } from '../../src/project/pipeline-workflows.js';
import type { Workflow } from '../support/workflow.js';

/** This repository's own release workflow, as committed (rendered by .projenrc.ts). */
const text = readFileSync(join(PACKAGE_ROOT, '.github/workflows/release.yml'), 'utf8');
const release = parse(text) as Workflow;

describe("this package's release workflow", () => {
  test('releases from main: version and changelog from the conventional commits, then npm and a GitHub release', () => {
    expect(release.on).toHaveProperty('push', { branches: ['main'] });
    expect(release.jobs.release!.steps.map((step) => step.run)).toContain('npx projen release');
    expect(Object.keys(release.jobs).sort()).toEqual(['release', 'release_github', 'release_npm']);
  });

  test('publishes to npm through OIDC trusted publishing with provenance: no npm token anywhere', () => {
    expect(text).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN|secrets\.NPM/);
    const npm = release.jobs.release_npm!;
    expect(npm.permissions).toEqual({ 'id-token': 'write', 'contents': 'read' });
    const publish = npm.steps.find((step) => step.run?.includes('publib-npm'))!;
    expect(publish.env).toMatchObject({ NPM_TRUSTED_PUBLISHER: 'true', NPM_CONFIG_PROVENANCE: 'true' });
    // The publishing CLI at a fixed version, not whatever is latest at release time.
    expect(publish.run).toMatch(/publib@\d+\.\d+\.\d+'/);
  });

  test('least privilege: nothing at the top, only the GitHub-release job may write, no kept checkout token', () => {
    expect(release.permissions).toEqual({});
    const writers = Object.entries(release.jobs).filter(([, job]) => Object.values(job.permissions ?? {}).includes('write'));
    expect(writers.map(([id, job]) => `${id}: ${JSON.stringify(job.permissions)}`).sort()).toEqual([
      'release_github: {"contents":"write"}',
      'release_npm: {"id-token":"write","contents":"read"}',
    ]);
    const checkout = release.jobs.release!.steps.find((step) => step.id === 'checkout')!;
    expect(checkout.with).toMatchObject({ 'persist-credentials': false });
  });

  test('every action pinned by a SHA of PINNED_ACTIONS, its version in a comment', () => {
    const uses = text.split('\n').filter((line) => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) {
      const [, action, sha, version] = /uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (\S+)$/.exec(line) ?? [];
      expect({ line, pin: action && PINNED_ACTIONS[action as keyof typeof PINNED_ACTIONS] }).toEqual({ line, pin: { sha, version } });
    }
  });
});
