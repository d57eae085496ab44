import { enableCompileCache } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { deferUnusedProjenDependencies } from './deferred-projen-dependencies.js';
import { RENDERED, renderManagedFiles, type ManagedFilesRequest } from './render-managed-files.js';

// Worker entry, started before the answers are known: projen loads at once, the request follows
// as the one message, and the reply says the files are written (the CLI need not wait for the
// worker to shut down). An exception ends the worker with an 'error' event the CLI turns into a failure.
// A worker does not share the CLI's compile cache setting: without it, projen is compiled afresh.
enableCompileCache?.();
deferUnusedProjenDependencies();
void import('./rds-iam-stack-project.js').catch(() => undefined);
const request = await new Promise<ManagedFilesRequest>((resolve) => parentPort!.once('message', resolve));
await renderManagedFiles(request);
parentPort!.postMessage(RENDERED);
