// Routes events from the main side into the stores (outputs, kernel status, input prompts, file changes, menu commands).
import { host, onConnectionChange } from '../host.ts';
import { useKernel } from '../stores/kernel.ts';
import { useNotebook } from '../stores/notebook.ts';
import { useUi } from '../stores/ui.ts';
import { openNotebook } from './files.ts';
import { runCommand } from './commands.ts';

export function wireEvents(): () => void {
  const api = host();
  const mine = (kernelId: string) => kernelId === useKernel.getState().kernelId;
  const offs = [
    api.on('kernel.output', ({ kernelId, cellId, output }) => mine(kernelId) && useNotebook.getState().appendOutput(cellId, output)),
    api.on('kernel.clearOutput', ({ kernelId, cellId, wait }) => mine(kernelId) && useNotebook.getState().clearOutputs(cellId, wait)),
    api.on('kernel.updateDisplay', ({ kernelId, displayId, output }) => mine(kernelId) && useNotebook.getState().updateDisplay(displayId, output)),
    api.on('kernel.input', ({ kernelId, cellId, prompt, password }) => mine(kernelId) && useKernel.getState().set({ input: { cellId, prompt, password } })),
    api.on('kernel.status', ({ kernelId, status }) => {
      if (!mine(kernelId)) return;
      const prev = useKernel.getState().status;
      useKernel.getState().set({ status, ...(status === 'dead' ? { input: null } : {}) });
      // A death already told by the banner (kernel.died) needs no dialog on top.
      if (status === 'dead' && prev !== 'dead' && !useKernel.getState().death) useUi.getState().setDialog({ kind: 'kernelDied' });
    }),
    api.on('kernel.died', ({ kernelId, cellId, reason, restarted, message }) => {
      if (mine(kernelId)) useKernel.getState().noteDeath({ cellId, reason, restarted, ...(cellId ? { message } : {}) });
    }),
    api.on('notebook.changedOnDisk', ({ path, mtimeMs }) => {
      const nb = useNotebook.getState();
      if (path === nb.path && mtimeMs !== nb.mtimeMs) useUi.getState().setDialog({ kind: 'changedOnDisk', mtimeMs });
    }),
    api.on('app.openFile', ({ path }) => void openNotebook(path)),
    api.on('app.command', ({ command }) => runCommand(command)),
    onConnectionChange((connected) => useKernel.getState().set({ connected })),
  ];
  return () => offs.forEach((off) => off());
}
