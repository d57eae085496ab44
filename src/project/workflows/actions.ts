import type { github, IResolver } from 'projen';

/**
 * Every action the generated workflows use, pinned to the full commit SHA of a release (tags can be
 * moved: in 2026 most tags of a popular security action were force-pushed to a credential stealer).
 * Each SHA was taken from a public source that states it together with its tag; see the README of
 * this package. Bump SHA and version together.
 */
export const PINNED_ACTIONS = {
  'actions/checkout': { sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  'actions/setup-node': { sha: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  'actions/upload-artifact': { sha: '043fb46d1a93c77aae656e7c1c64a875d1fc6a0a', version: 'v7.0.1' },
  'actions/download-artifact': { sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', version: 'v8.0.1' },
  'aws-actions/configure-aws-credentials': { sha: 'ec61189d14ec14c8efccab744f656cffd0e33f37', version: 'v6.1.0' },
  'aquasecurity/trivy-action': { sha: '57a97c7e7821a5776cebc9bb87c984fa69cba8f1', version: 'v0.35.0' },
  'peter-evans/create-pull-request': { sha: '5f6978faf089d4d20b00c7766989d076bb2fc7f1', version: 'v8.1.1' },
  'docker/setup-qemu-action': { sha: 'ce360397dd3f832beb865e1373c09c0e9f86d70a', version: 'v4.0.0' },
} as const;

export type PinnedAction = keyof typeof PINNED_ACTIONS;

/** `owner/repo@<sha>` of a pinned action. */
export function pinned(action: PinnedAction): string {
  return `${action}@${PINNED_ACTIONS[action].sha}`;
}

/** Pins the actions projen's own workflows (upgrade) take from `gh.actions` the same way. */
export function pinActions(gh: github.GitHub): void {
  for (const action of Object.keys(PINNED_ACTIONS) as PinnedAction[]) gh.actions.set(action, pinned(action));
}

/** A checkout that does not keep the token. */
export function checkout(): github.workflows.JobStep {
  return { name: 'Checkout', uses: pinned('actions/checkout'), with: { 'persist-credentials': false } };
}

/** setup-node with a Node.js version and, optionally, npm's cache. */
export function setupNode(nodeVersion: string, cache?: 'npm'): github.workflows.JobStep {
  return { name: 'Set up Node.js', uses: pinned('actions/setup-node'), with: { 'node-version': nodeVersion, ...(cache && { cache }) } };
}

/** QEMU for the arm64 image build on an x64 runner. */
export function armEmulation(): github.workflows.JobStep {
  return { name: 'Set up QEMU (arm64 emulation)', uses: pinned('docker/setup-qemu-action'), with: { platforms: 'arm64' } };
}

/** Why a job holds a permission (zizmor asks for the reason next to it). */
const PERMISSION_REASONS: Readonly<Record<string, string>> = {
  'contents: read': 'check out the repository',
  'id-token: write': 'OIDC token, exchanged for a one-hour AWS role session',
  'pull-requests: write': 'create or update the one diff comment',
};

/**
 * Post-processes the rendered YAML of a workflow, for what projen's renderer cannot express:
 * comments (`# vX.Y.Z` after every pinned `uses:`, where a SHA without a known version fails the
 * synthesis; the reason after each permission), and `permissions: {}` at the top (projen's override merge drops empty objects), so
 * that every job gets only the permissions it states. `reasons` adds or replaces reasons for a
 * workflow whose jobs hold a permission for another purpose.
 */
export function finishRendering(workflow: github.GithubWorkflow, reasons: Readonly<Record<string, string>> = {}): void {
  const permissionReasons = { ...PERMISSION_REASONS, ...reasons };
  const permissionLine = new RegExp(`^(\\s+)(${Object.keys(permissionReasons).join('|')})$`, 'gm');
  const file = workflow.file as unknown as { synthesizeContent(resolver: IResolver): string | undefined } | undefined;
  if (!file) return;
  const render = file.synthesizeContent.bind(file);
  file.synthesizeContent = (resolver: IResolver) => {
    const text = render(resolver);
    return text
      ?.replace(permissionLine, (_line, indent: string, permission: string) =>
        `${indent}${permission} # ${permissionReasons[permission]}`)
      .replace(/^jobs:$/m, (jobs) => (/^permissions:/m.test(text) ? jobs : `permissions: {}\n${jobs}`))
      .replace(/^(\s*(?:- )?uses: )([\w.-]+\/[\w./-]+)@([0-9a-f]{40})[ \t]*$/gm, (_line, prefix: string, action: string, sha: string) => {
        const pin = PINNED_ACTIONS[action as PinnedAction];
        if (!pin || pin.sha !== sha) throw new Error(`${workflow.name}: ${action}@${sha} is not in PINNED_ACTIONS`);
        return `${prefix}${action}@${sha} # ${pin.version}`;
      });
  };
}
