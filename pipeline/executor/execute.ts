// `gds execute`: runs imported notebooks through real Jupyter kernels, a few at a time, and stores outputs and verdicts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelManager } from '@jupyterlab/services';
import type { CorpusStore } from '../corpus/store.ts';
import { startJupyterServer } from '../jupyter/server-process.ts';
import { runNotebook, type NotebookStatus } from './run-notebook.ts';

export interface ExecuteOptions {
  store: CorpusStore;
  limit?: number;
  timeoutS?: number;
  concurrency?: number;
  python?: string;
  /** Re-run notebooks that already have a verdict. */
  rerun?: boolean;
  /** Only these notebook ids (tests, the browser's "run this one"). */
  ids?: number[];
  shouldStop?: () => boolean;
  onResult?: (r: { notebookId: number; ref: string; status: NotebookStatus; error: string | null; seconds: number }) => void;
}

export type ExecuteSummary = Record<NotebookStatus, number> & { notebooks: number; seconds: number };

export async function executeCorpus(o: ExecuteOptions): Promise<ExecuteSummary> {
  const started = performance.now();
  const summary: ExecuteSummary = { notebooks: 0, ok: 0, error: 0, 'missing-data': 0, timeout: 0, 'kernel-failed': 0, seconds: 0 };
  const queue = o.store.notebooksToExecute({ rerun: o.rerun, ids: o.ids, limit: o.limit });
  if (!queue.length) return summary;
  // Kernels start in a scratch folder, so notebooks that write files never touch the user's folders.
  const workDir = mkdtempSync(join(tmpdir(), 'gds-execute-'));
  const server = await startJupyterServer({ python: o.python, rootDir: workDir });
  const manager = new KernelManager({ serverSettings: server.settings });
  try {
    await manager.ready;
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (o.shouldStop?.()) return;
        const t0 = performance.now();
        const run = await runNotebook(manager, o.store.cellsToExecute(next.id), (o.timeoutS ?? 60) * 1000);
        o.store.saveExecution(next.id, run);
        summary.notebooks++;
        summary[run.status]++;
        o.onResult?.({ notebookId: next.id, ref: next.ref, status: run.status, error: run.error, seconds: (performance.now() - t0) / 1000 });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 2) }, worker));
  } finally {
    manager.dispose();
    await server.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }
  summary.seconds = Math.round((performance.now() - started) / 10) / 100;
  return summary;
}
