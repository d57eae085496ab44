import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { collectGivenAnswers, completeWithoutPrompts } from '../answers/index.js';
import { PACKAGE_NAME } from '../package-info.js';
import type { CliArguments } from './args.js';
import { RENDER_WORKER_AVAILABLE, takeRenderWorker } from './prerender-warm-up.js';
import { managedFilesRequest, RENDERED, type ManagedFilesRequest, type Prerendered } from '../project/render-managed-files.js';
import type { PackageManager } from '../scaffold/package-manager.js';

/**
 * When no question will be asked, the answers are known before Yeoman has loaded: render the
 * managed files (projen) on a worker thread meanwhile. Returns nothing when the answers still
 * need prompts or do not validate (the generator then reports them), or when running from the
 * TypeScript sources, where no compiled worker exists.
 */
export async function prerenderManagedFiles(
  args: CliArguments,
  target: string,
  packageManager: PackageManager,
): Promise<Prerendered | undefined> {
  if (!RENDER_WORKER_AVAILABLE) return undefined;
  let request: ManagedFilesRequest;
  try {
    const given = await collectGivenAnswers({
      stored: args.force ? await storedAnswers(target) : undefined,
      answersFile: args.answersFile,
      options: args.answerOptions,
    });
    const answers = completeWithoutPrompts(given, { yes: args.yes, directoryName: basename(target) });
    request = managedFilesRequest(answers, packageManager.projen, args.packageSource, await mkdtemp(join(tmpdir(), `${PACKAGE_NAME}-`)));
  } catch {
    return undefined;
  }
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
  return { request, directory };
}

/** Answers a previous run kept in the target's `.yo-rc.json`, if any. */
async function storedAnswers(target: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(join(target, '.yo-rc.json'), 'utf8'))[PACKAGE_NAME]?.answers;
  } catch {
    return undefined;
  }
}
