import type { RdsIamStackProjectOptions } from './rds-iam-stack-project.js';

/** Everything needed to render the managed files. */
export type ManagedFilesRequest = RdsIamStackProjectOptions & { readonly outdir: string };

/** Renders the project type's managed files into `outdir`, without projen's post-synthesis install. */
export async function renderManagedFiles(request: ManagedFilesRequest): Promise<void> {
  // projen is loaded here, not at start-up: --help, --version and refused answers never load it.
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

/** The one way to describe a render from the answers. */
export function managedFilesRequest(
  answers: RdsIamStackProjectOptions,
  packageManager: RdsIamStackProjectOptions['packageManager'],
  packageSource: string | undefined,
  outdir: string,
): ManagedFilesRequest {
  return { ...answers, packageManager, ...(packageSource ? { packageSource } : {}), outdir };
}
