import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { collectGivenAnswers, completeWithoutPrompts } from '../answers/index.js';
import { PACKAGE_NAME } from '../package-info.js';
import type { CliArguments } from './args.js';
import { RENDER_WORKER_AVAILABLE, takeRenderWorker } from './prerender-warm-up.js';
import { managedFilesRequest, RENDERED, type ManagedFilesRequest, type Prerendered } from '../project/render-managed-files.js';
import type { Interruption } from '../scaffold/interruption.js';
import type { PackageManager } from '../scaffold/package-manager.js';
import type { TargetPlan } from '../scaffold/target.js';

/** A render made ahead of time, and how to stop it and remove its directory. */
export interface OwnedPrerender extends Prerendered {
  dispose(): Promise<void>;
}

/**
 * When no question will be asked, the answers are known before Yeoman has loaded: render the
 * managed files (projen) on a worker thread meanwhile. Returns nothing when the answers still
 * need prompts or do not validate (the generator then reports them), or when running from the
 * TypeScript sources, where no compiled worker exists.
 */
export async function prerenderManagedFiles(
  args: CliArguments,
  plan: TargetPlan,
  packageManager: PackageManager,
  interruption: Interruption,
): Promise<OwnedPrerender | undefined> {
  if (!RENDER_WORKER_AVAILABLE) return undefined;
  let answers;
  try {
    const given = await collectGivenAnswers({
      storedIn: args.force ? plan.directory : undefined,
      answersFile: args.answersFile,
      options: args.answerOptions,
    });
    answers = completeWithoutPrompts(given, { yes: args.yes, directoryName: basename(plan.directory) });
  } catch {
    return undefined;
  }
  const outdir = await mkdtemp(join(tmpdir(), `${PACKAGE_NAME}-`));
  const remove = interruption.removeOnExit(outdir);
  const request: ManagedFilesRequest = managedFilesRequest(answers, packageManager.projen, args.packageSource, outdir);
  const worker = takeRenderWorker();
  worker.postMessage(request);
  const directory = new Promise<string>((resolve, reject) => {
    worker
      .once('message', (reply) => (reply === RENDERED ? resolve(request.outdir) : reject(new Error(`Unexpected reply from the render worker: ${String(reply)}`))))
      .once('error', reject)
      .once('exit', (code) => reject(new Error(`Rendering the managed files failed (the worker exited with ${code})`)));
  });
  // The generator awaits it; until then a failure must not count as unhandled.
  directory.catch(() => undefined);
  // An interrupt stops the render at once: its directory is removed only after the worker is gone.
  const stop = () => void worker.terminate();
  interruption.signal.addEventListener('abort', stop, { once: true });
  return {
    request,
    directory,
    async dispose() {
      interruption.signal.removeEventListener('abort', stop);
      await directory.catch(() => worker.terminate());
      await remove();
    },
  };
}
