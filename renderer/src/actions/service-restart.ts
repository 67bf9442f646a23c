// After the service behind the tab restarts, the kernels the tabs knew are gone (its Jupyter server ended with it):
// forget them, so the next run starts a fresh one, and say that their variables were lost.
import { onServiceRestart } from '../host.ts';
import { allTabs } from '../stores/tabs.ts';
import { useUi } from '../stores/ui.ts';

export function followServiceRestarts(): () => void {
  return onServiceRestart(() => {
    let hadKernel = false;
    for (const tab of allTabs()) {
      hadKernel ||= tab.kernel.getState().kernelId !== null;
      tab.kernel.getState().set({ kernelId: null, status: 'none' });
      const nb = tab.notebook.getState();
      for (const [id, rt] of Object.entries(nb.runtime)) if (rt.state !== 'idle') nb.setRuntime(id, { state: 'idle', lastStatus: 'aborted' });
    }
    if (hadKernel) useUi.getState().toast('info', 'The GDS service restarted: its kernels and variables are gone; running a cell starts a new kernel.');
  });
}
