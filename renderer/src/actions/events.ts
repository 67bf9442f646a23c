// Routes events from the main side into the stores (outputs, kernel status, input prompts, file changes, menu commands).
import { host, onConnectionChange } from '../host.ts';
import { useKernel } from '../stores/kernel.ts';
import { useNotebook } from '../stores/notebook.ts';
import { allTabs, tabOfKernel } from '../stores/tabs.ts';
import { useUi } from '../stores/ui.ts';
import { openNotebook } from './files.ts';
import { runCommand } from './commands.ts';

export function wireEvents(): () => void {
  const api = host();
  // Each kernel belongs to one tab; its events go to that tab's stores, in the background too.
  const nb = (kernelId: string) => tabOfKernel(kernelId)?.notebook.getState();
  const kernel = (kernelId: string) => tabOfKernel(kernelId)?.kernel.getState();
  const offs = [
    api.on('kernel.output', ({ kernelId, cellId, output }) => nb(kernelId)?.appendOutput(cellId, output)),
    api.on('kernel.clearOutput', ({ kernelId, cellId, wait }) => nb(kernelId)?.clearOutputs(cellId, wait)),
    api.on('kernel.updateDisplay', ({ kernelId, displayId, output }) => nb(kernelId)?.updateDisplay(displayId, output)),
    api.on('kernel.input', ({ kernelId, cellId, prompt, password }) => kernel(kernelId)?.set({ input: { cellId, prompt, password } })),
    api.on('kernel.status', ({ kernelId, status }) => {
      const k = kernel(kernelId);
      if (!k) return;
      k.set({ status, ...(status === 'dead' ? { input: null } : {}) });
      // A death already told by the banner (kernel.died) needs no dialog on top; a background tab's shows in its tab.
      const active = kernelId === useKernel.getState().kernelId;
      if (active && status === 'dead' && k.status !== 'dead' && !k.death) useUi.getState().setDialog({ kind: 'kernelDied' });
    }),
    api.on('kernel.died', ({ kernelId, cellId, reason, restarted, message }) => {
      kernel(kernelId)?.noteDeath({ cellId, reason, restarted, ...(cellId ? { message } : {}) });
    }),
    api.on('notebook.changedOnDisk', ({ path, mtimeMs }) => {
      const nb = useNotebook.getState();
      if (path === nb.path && mtimeMs !== nb.mtimeMs) useUi.getState().setDialog({ kind: 'changedOnDisk', mtimeMs });
    }),
    api.on('app.openFile', ({ path }) => void openNotebook(path)),
    api.on('app.command', ({ command }) => runCommand(command)),
    onConnectionChange((connected) => allTabs().forEach((t) => t.kernel.getState().set({ connected }))),
  ];
  return () => offs.forEach((off) => off());
}
