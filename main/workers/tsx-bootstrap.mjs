// Starts a TypeScript worker when running from sources: registers tsx inside the worker thread, then loads the entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.gdsEntry);
