import type { RdsIamStackProjectOptions } from './rds-iam-stack-project.js';

/** The render worker's reply once the files are written. */
export const RENDERED = 'rendered';

/** Everything needed to render the managed files; plain data, so it can cross to a worker thread. */
export type ManagedFilesRequest = RdsIamStackProjectOptions & { readonly outdir: string };

/** A render started ahead of time (by the CLI, on a worker thread). */
export interface Prerendered {
  readonly request: ManagedFilesRequest;
  /** Resolves to `request.outdir` once the files are written. */
  readonly directory: Promise<string>;
}

/** Renders the project type's managed files into `outdir`, without projen's post-synthesis install. */
export async function renderManagedFiles(request: ManagedFilesRequest): Promise<void> {
  // projen is loaded here, not at start-up: the CLI renders on a worker thread while Yeoman loads.
  const { RdsIamStackProject } = await import('./rds-iam-stack-project.js');
  const previous = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    new RdsIamStackProject(request).synth();
  } finally {
    if (previous === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = previous;
  }
}

/** The one way to describe a render, so that a render made ahead of time is recognised as the same. */
export function managedFilesRequest(
  answers: RdsIamStackProjectOptions,
  packageManager: RdsIamStackProjectOptions['packageManager'],
  packageSource: string | undefined,
  outdir: string,
): ManagedFilesRequest {
  return { ...answers, packageManager, ...(packageSource ? { packageSource } : {}), outdir };
}
