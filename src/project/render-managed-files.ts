import type { RdsIamStackProjectOptions } from './rds-iam-stack-project.js';

/** Everything needed to render the managed files. */
export type ManagedFilesRequest = RdsIamStackProjectOptions & { readonly outdir: string };

let projectType: Promise<typeof import('./rds-iam-stack-project.js')> | undefined;

/**
 * Starts loading the project type (and projen) without waiting for it. projen is loaded only once
 * the answers are valid (--help, --version and refused answers never load it); a scaffold starts it
 * before writing the owned files, so that loading it fills the time spent waiting on those writes.
 */
export function loadProjectType(): Promise<typeof import('./rds-iam-stack-project.js')> {
  if (!projectType) {
    projectType = import('./rds-iam-stack-project.js');
    // A failed load is reported by the render that awaits it, not as an unhandled rejection.
    projectType.catch(() => undefined);
  }
  return projectType;
}

/** Renders the project type's managed files into `outdir`, without projen's post-synthesis install. */
export async function renderManagedFiles(request: ManagedFilesRequest): Promise<void> {
  const { RdsIamStackProject } = await loadProjectType();
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
