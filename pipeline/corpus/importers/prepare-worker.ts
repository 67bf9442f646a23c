// Worker thread for prepare.ts: reads and API-scans one notebook file per message.
import { parentPort } from 'node:worker_threads';
import { prepareFile } from './prepare.ts';

parentPort?.on('message', (m: { id: number; path: string }) => {
  parentPort?.postMessage({ id: m.id, result: prepareFile(m.path) });
});
