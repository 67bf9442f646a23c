// After the service behind the tab restarts, the kernel the tab knew is gone: forget it, so the next run starts a
// fresh one, and say that its variables were lost.
import { onServiceRestart } from '../host.ts';
import { useKernel } from '../stores/kernel.ts';
import { useNotebook } from '../stores/notebook.ts';
import { useUi } from '../stores/ui.ts';

export function followServiceRestarts(): () => void {
  return onServiceRestart(() => {
    const hadKernel = useKernel.getState().kernelId !== null;
    useKernel.getState().set({ kernelId: null, status: 'none' });
    const nb = useNotebook.getState();
    for (const [id, rt] of Object.entries(nb.runtime)) if (rt.state !== 'idle') nb.setRuntime(id, { state: 'idle', lastStatus: 'aborted' });
    if (hadKernel) useUi.getState().toast('info', 'The GDS service restarted: its kernel and variables are gone; running a cell starts a new kernel.');
  });
}
