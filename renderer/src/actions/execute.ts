// Runs cells one after another on the notebook's kernel, like Jupyter: queued → running → done, stop on error.
import type { ExecuteResult } from '../../../preload/contract.ts';
import { refreshKernelColumns } from './ml.ts';
import { host } from '../host.ts';
import { useKernel } from '../stores/kernel.ts';
import { useNotebook } from '../stores/notebook.ts';
import { useUi } from '../stores/ui.ts';

const queue: string[] = [];
let draining = false;

async function ensureKernel(): Promise<string> {
  const k = useKernel.getState();
  if (k.kernelId && k.status !== 'dead') return k.kernelId;
  useKernel.getState().set({ status: 'starting' });
  const nb = useNotebook.getState();
  const spec = (nb.doc?.metadata.kernelspec as { name?: string } | undefined)?.name ?? k.kernelName;
  const cwd = nb.path ? nb.path.replace(/[\\/][^\\/]*$/, '') : undefined;
  try {
    const { kernelId } = await host().kernel.start({ name: spec, cwd });
    // A new kernel: the banner about the one that died has done its work.
    useKernel.getState().set({ kernelId, status: 'idle', kernelName: spec, death: null });
    return kernelId;
  } catch (e) {
    useKernel.getState().set({ status: 'dead' });
    throw e;
  }
}

export function runCells(ids: string[]): void {
  const nb = useNotebook.getState();
  for (const id of ids) {
    const cell = nb.doc?.cells.find((c) => c.id === id);
    if (cell?.cell_type !== 'code' || queue.includes(id)) continue;
    queue.push(id);
    nb.setRuntime(id, { state: 'queued' });
  }
  void drain();
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    while (queue.length) {
      const id = queue[0]!;
      const cell = useNotebook.getState().doc?.cells.find((c) => c.id === id);
      if (!cell) {
        queue.shift();
        continue;
      }
      let kernelId: string;
      try {
        kernelId = await ensureKernel();
      } catch (e) {
        useUi.getState().toast('error', `Cannot start a kernel: ${(e as Error).message}`);
        cancelQueue();
        break;
      }
      const nb = useNotebook.getState();
      nb.clearOutputs(id);
      nb.setRuntime(id, { state: 'running', startedAt: Date.now() });
      const res = await host().kernel.execute({ kernelId, cellId: id, code: cell.source }).catch((e: Error): ExecuteResult => {
        useUi.getState().toast('error', e.message);
        return { status: 'aborted', executionCount: null, durationMs: 0 };
      });
      queue.shift();
      if (res.kernelDied) {
        kernelDied(id, res);
        continue;
      }
      useNotebook.getState().setRuntime(id, { state: 'idle', durationMs: res.durationMs, lastStatus: res.status }, res.executionCount ?? null);
      if (res.status !== 'ok') cancelQueue();
      if (!queue.length) void refreshKernelColumns(kernelId);
    }
  } finally {
    draining = false;
  }
}

export function cancelQueue(): void {
  for (const id of queue.splice(0)) useNotebook.getState().setRuntime(id, { state: 'idle' });
}

/**
 * The kernel died while this cell ran: the cell is marked failed with the reason (as an error output, so it stays with
 * the notebook), the cells queued behind it are marked not run, and the banner counts them.
 */
function kernelDied(id: string, res: ExecuteResult): void {
  const nb = useNotebook.getState();
  const message = res.error ?? 'the kernel died while running this cell';
  const ran = res.status === 'error';
  if (ran) {
    nb.appendOutput(id, { output_type: 'error', ename: 'KernelDied', evalue: message, traceback: [`\u001b[0;31mKernelDied\u001b[0m: ${message}`] });
    nb.setRuntime(id, { state: 'died', durationMs: res.durationMs, lastStatus: 'error' }, null);
  } else nb.setRuntime(id, { state: 'not-run', lastStatus: 'aborted' });
  const notRun = queue.splice(0);
  for (const q of notRun) nb.setRuntime(q, { state: 'not-run', lastStatus: 'aborted' });
  useKernel.getState().noteDeath({ ...(ran ? { cellId: id, message } : {}), notRun: notRun.length + (ran ? 0 : 1) });
}

export async function interruptKernel(): Promise<void> {
  const { kernelId } = useKernel.getState();
  cancelQueue();
  if (kernelId) await host().kernel.interrupt({ kernelId });
}

export async function restartKernel(runAll = false): Promise<void> {
  const { kernelId } = useKernel.getState();
  cancelQueue();
  try {
    useKernel.getState().set({ death: null });
    if (kernelId && useKernel.getState().status !== 'dead') await host().kernel.restart({ kernelId });
    else {
      useKernel.getState().set({ kernelId: null });
      await ensureKernel();
    }
    useUi.getState().toast('info', 'Kernel restarted');
  } catch (e) {
    useKernel.getState().set({ kernelId: null, status: 'dead' });
    useUi.getState().toast('error', `Restart failed: ${(e as Error).message}`);
    return;
  }
  if (runAll) runAllCells();
}

export function runAllCells(): void {
  runCells(useNotebook.getState().doc?.cells.map((c) => c.id) ?? []);
}

export function runAbove(): void {
  const { doc, active } = useNotebook.getState();
  runCells(doc?.cells.slice(0, active).map((c) => c.id) ?? []);
}

export function runBelow(): void {
  const { doc, active } = useNotebook.getState();
  runCells(doc?.cells.slice(active).map((c) => c.id) ?? []);
}
