import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const RENDER_WORKER = fileURLToPath(new URL('../project/render-worker.js', import.meta.url));
/** Whether the compiled render worker exists (it does not when running from the TypeScript sources). */
export const RENDER_WORKER_AVAILABLE = existsSync(RENDER_WORKER);

/** A render worker started at launch, loading projen while the CLI loads; taken by the first render. */
let warmWorker: Worker | undefined;

/**
 * Starts the render worker right away (this module imports nothing heavy), so that projen loads
 * while the CLI itself loads and resolves the answers. Unreferenced: an unused worker (questions
 * to ask, an error) never keeps the process alive.
 */
export function warmUpRenderer(): void {
  if (warmWorker || !RENDER_WORKER_AVAILABLE) return;
  warmWorker = new Worker(RENDER_WORKER);
  warmWorker.unref();
  // Until a render is asked of it, a failure to start only loses the head start.
  warmWorker.once('error', () => (warmWorker = undefined));
}

/** The warm worker if there is one, else a new one; referenced, so the process waits for its render. */
export function takeRenderWorker(): Worker {
  const worker = warmWorker ?? new Worker(RENDER_WORKER);
  warmWorker = undefined;
  worker.ref();
  return worker;
}
