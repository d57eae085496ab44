import { workerData } from 'node:worker_threads';
import { renderManagedFiles, type ManagedFilesRequest } from './render-managed-files.js';

// Worker entry: an exception ends the worker with an 'error' event the CLI turns into a failure.
await renderManagedFiles(workerData as ManagedFilesRequest);
