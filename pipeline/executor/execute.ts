// `gds execute`: runs imported notebooks through real Jupyter kernels, a few at a time, and stores outputs and verdicts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelManager } from '@jupyterlab/services';
import type { CorpusStore } from '../corpus/store.ts';
import { startJupyterServer } from '../jupyter/server-process.ts';
import { runNotebook, type NotebookRun, type NotebookStatus } from './run-notebook.ts';

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

/** Python notebooks with code, originals only (a duplicate shares its original's cells and verdict). */
function pick(store: CorpusStore, o: ExecuteOptions): Array<{ id: number; ref: string }> {
  const filters = ["n.duplicate_of IS NULL", "coalesce(n.language, 'python') LIKE 'python%'", 'n.code_cells > 0'];
  if (!o.rerun) filters.push('n.exec_status IS NULL');
  if (o.ids?.length) filters.push(`n.id IN (${o.ids.map(Number).join(',')})`);
  return store.db
    .prepare(`SELECT n.id, n.ref FROM notebooks n WHERE ${filters.join(' AND ')} ORDER BY n.votes IS NULL, n.votes DESC, n.id LIMIT ?`)
    .all(o.limit ?? -1) as Array<{ id: number; ref: string }>;
}

function save(store: CorpusStore, notebookId: number, run: NotebookRun): void {
  const setCell = store.db.prepare('UPDATE cells SET outputs = ?, exec_status = ? WHERE id = ?');
  // Cells that never ran keep the outputs they were imported with (the GitHub shards carry some).
  const markSkipped = store.db.prepare("UPDATE cells SET exec_status = 'skipped' WHERE id = ?");
  const setNb = store.db.prepare('UPDATE notebooks SET exec_status = ?, exec_error = ?, executed_at = ? WHERE id = ?');
  store.db.transaction(() => {
    for (const c of run.cells) {
      if (c.status === 'skipped') markSkipped.run(c.cellId);
      else setCell.run(c.outputs.length ? JSON.stringify(c.outputs) : null, c.status, c.cellId);
    }
    setNb.run(run.status, run.error, new Date().toISOString(), notebookId);
  })();
}

export async function executeCorpus(o: ExecuteOptions): Promise<ExecuteSummary> {
  const started = performance.now();
  const summary: ExecuteSummary = { notebooks: 0, ok: 0, error: 0, 'missing-data': 0, timeout: 0, 'kernel-failed': 0, seconds: 0 };
  const queue = pick(o.store, o);
  if (!queue.length) return summary;
  // Kernels start in a scratch folder, so notebooks that write files never touch the user's folders.
  const workDir = mkdtempSync(join(tmpdir(), 'gds-execute-'));
  const server = await startJupyterServer({ python: o.python, rootDir: workDir });
  const manager = new KernelManager({ serverSettings: server.settings });
  const cellsOf = o.store.db.prepare("SELECT id, source FROM cells WHERE notebook_id = ? AND type = 'code' ORDER BY idx");
  try {
    await manager.ready;
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (o.shouldStop?.()) return;
        const t0 = performance.now();
        const cells = (cellsOf.all(next.id) as Array<{ id: number; source: string }>).filter((c) => c.source.trim());
        const run = await runNotebook(manager, cells, (o.timeoutS ?? 60) * 1000);
        save(o.store, next.id, run);
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
