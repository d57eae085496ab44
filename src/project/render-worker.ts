import { parentPort } from 'node:worker_threads';
import type { ManagedFilesRequest } from './render-managed-files.js';

// Worker entry, started before the answers are known: projen loads at once, the request follows
// as the one message. An exception ends the worker with an 'error' event the CLI turns into a failure.
const renderer = import('./render-managed-files.js');
void import('./rds-iam-stack-project.js').catch(() => undefined);
const request = await new Promise<ManagedFilesRequest>((resolve) => parentPort!.once('message', resolve));
await (await renderer).renderManagedFiles(request);
