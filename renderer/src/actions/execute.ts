// Runs cells one after another on each notebook's own kernel, like Jupyter: queued → running → done, stop on error.
// Every tab has its own queue and kernel (a session keyed by the notebook's path); a background tab keeps running.
import type { ExecuteResult } from '../../../preload/contract.ts';
import { refreshKernelColumns } from './ml.ts';
import { host } from '../host.ts';
import { activeTab, type Tab } from '../stores/tabs.ts';
import { useUi } from '../stores/ui.ts';

interface Queue { ids: string[]; draining: boolean }
const queues = new WeakMap<Tab, Queue>();

function queueOf(tab: Tab): Queue {
  let q = queues.get(tab);
  if (!q) queues.set(tab, (q = { ids: [], draining: false }));
  return q;
}

/** The kernel of the tab's notebook: its session's (reused after a reload), else a new one with the notebook's kernelspec. */
export async function ensureKernel(tab: Tab = activeTab()): Promise<string> {
  const k = tab.kernel.getState();
  if (k.kernelId && k.status !== 'dead') return k.kernelId;
  k.set({ status: 'starting' });
  const nb = tab.notebook.getState();
  const spec = (nb.doc?.metadata.kernelspec as { name?: string } | undefined)?.name ?? k.kernelName;
  try {
    const { kernelId, kernelName } = await host().kernel.session({ path: nb.path ?? nb.untitledKey, name: spec });
    // A new kernel: the banner about the one that died has done its work.
    tab.kernel.getState().set({ kernelId, status: 'idle', kernelName, death: null });
    return kernelId;
  } catch (e) {
    tab.kernel.getState().set({ status: 'dead' });
    throw e;
  }
}

export function runCells(ids: string[], tab: Tab = activeTab()): void {
  const nb = tab.notebook.getState();
  const q = queueOf(tab);
  for (const id of ids) {
    const cell = nb.doc?.cells.find((c) => c.id === id);
    if (cell?.cell_type !== 'code' || q.ids.includes(id)) continue;
    q.ids.push(id);
    nb.setRuntime(id, { state: 'queued' });
  }
  void drain(tab);
}

async function drain(tab: Tab): Promise<void> {
  const q = queueOf(tab);
  if (q.draining) return;
  q.draining = true;
  try {
    while (q.ids.length) {
      const id = q.ids[0]!;
      const cell = tab.notebook.getState().doc?.cells.find((c) => c.id === id);
      if (!cell) {
        q.ids.shift();
        continue;
      }
      let kernelId: string;
      try {
        kernelId = await ensureKernel(tab);
      } catch (e) {
        useUi.getState().toast('error', `Cannot start a kernel: ${(e as Error).message}`);
        cancelQueue(tab);
        break;
      }
      const nb = tab.notebook.getState();
      nb.clearOutputs(id);
      nb.setRuntime(id, { state: 'running', startedAt: Date.now() });
      const res = await host().kernel.execute({ kernelId, cellId: id, code: cell.source }).catch((e: Error): ExecuteResult => {
        useUi.getState().toast('error', e.message);
        return { status: 'aborted', executionCount: null, durationMs: 0 };
      });
      q.ids.shift();
      if (res.kernelDied) {
        kernelDied(tab, id, res);
        continue;
      }
      tab.notebook.getState().setRuntime(id, { state: 'idle', durationMs: res.durationMs, lastStatus: res.status }, res.executionCount ?? null);
      if (res.status !== 'ok') cancelQueue(tab);
      if (!q.ids.length && tab === activeTab()) void refreshKernelColumns(kernelId);
    }
  } finally {
    q.draining = false;
  }
}

export function cancelQueue(tab: Tab = activeTab()): void {
  for (const id of queueOf(tab).ids.splice(0)) tab.notebook.getState().setRuntime(id, { state: 'idle' });
}

/**
 * The kernel died while this cell ran: the cell is marked failed with the reason (as an error output, so it stays with
 * the notebook), the cells queued behind it are marked not run, and the banner counts them.
 */
function kernelDied(tab: Tab, id: string, res: ExecuteResult): void {
  const nb = tab.notebook.getState();
  const message = res.error ?? 'the kernel died while running this cell';
  const ran = res.status === 'error';
  if (ran) {
    nb.appendOutput(id, { output_type: 'error', ename: 'KernelDied', evalue: message, traceback: [`\u001b[0;31mKernelDied\u001b[0m: ${message}`] });
    nb.setRuntime(id, { state: 'died', durationMs: res.durationMs, lastStatus: 'error' }, null);
  } else nb.setRuntime(id, { state: 'not-run', lastStatus: 'aborted' });
  const notRun = queueOf(tab).ids.splice(0);
  for (const q of notRun) nb.setRuntime(q, { state: 'not-run', lastStatus: 'aborted' });
  tab.kernel.getState().noteDeath({ ...(ran ? { cellId: id, message } : {}), notRun: notRun.length + (ran ? 0 : 1) });
}

export async function interruptKernel(): Promise<void> {
  const tab = activeTab();
  const { kernelId } = tab.kernel.getState();
  cancelQueue(tab);
  if (kernelId) await host().kernel.interrupt({ kernelId });
}

export async function restartKernel(runAll = false): Promise<void> {
  const tab = activeTab();
  const k = () => tab.kernel.getState();
  const { kernelId } = k();
  cancelQueue(tab);
  try {
    k().set({ death: null });
    if (kernelId && k().status !== 'dead') await host().kernel.restart({ kernelId });
    else {
      k().set({ kernelId: null });
      await ensureKernel(tab);
    }
    useUi.getState().toast('info', 'Kernel restarted');
  } catch (e) {
    k().set({ kernelId: null, status: 'dead' });
    useUi.getState().toast('error', `Restart failed: ${(e as Error).message}`);
    return;
  }
  if (runAll) runAllCells();
}

export function runAllCells(): void {
  runCells(activeTab().notebook.getState().doc?.cells.map((c) => c.id) ?? []);
}

export function runAbove(): void {
  const { doc, active } = activeTab().notebook.getState();
  runCells(doc?.cells.slice(0, active).map((c) => c.id) ?? []);
}

export function runBelow(): void {
  const { doc, active } = activeTab().notebook.getState();
  runCells(doc?.cells.slice(active).map((c) => c.id) ?? []);
}

/** Another kernelspec for the active notebook: a running kernel is replaced in its session (variables are lost). */
export async function switchKernel(name: string): Promise<void> {
  const tab = activeTab();
  const k = tab.kernel.getState();
  const was = k.kernelName;
  k.set({ kernelName: name });
  if (!k.kernelId || was === name) return;
  cancelQueue(tab);
  const nb = tab.notebook.getState();
  k.set({ status: 'starting' });
  try {
    const r = await host().kernel.changeKernel({ path: nb.path ?? nb.untitledKey, name });
    tab.kernel.getState().set({ kernelId: r.kernelId, kernelName: r.kernelName, status: 'idle', death: null });
  } catch (e) {
    tab.kernel.getState().set({ status: 'dead' });
    useUi.getState().toast('error', `Cannot change the kernel: ${(e as Error).message}`);
  }
}
