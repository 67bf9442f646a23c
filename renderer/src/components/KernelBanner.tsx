// Says out loud that the kernel died: why (when the server knows), which cell it was running, what was not run, and
// that the kernel now running is a fresh one (variables gone, execution counts from 1) or that it needs a restart.
import { restartKernel, runCells } from '../actions/execute.ts';
import { useKernel } from '../stores/kernel.ts';
import { useNotebook } from '../stores/notebook.ts';

export function KernelBanner() {
  const death = useKernel((s) => s.death);
  const status = useKernel((s) => s.status);
  const index = useNotebook((s) => (death?.cellId ? (s.doc?.cells.findIndex((c) => c.id === death.cellId) ?? -1) : -1));
  if (!death) return null;
  const fresh = death.restarted && status !== 'dead';
  const dismiss = () => useKernel.getState().set({ death: null });
  const rerun = () => {
    const cells = useNotebook.getState().doc?.cells ?? [];
    dismiss();
    runCells(cells.slice(0, index + 1).map((c) => c.id));
  };
  return (
    <div className="banner kernel-died" role="alert" data-testid="kernel-banner" data-restarted={fresh ? 'true' : 'false'}>
      <span className="banner-text">
        <strong>The kernel died{death.reason ? `: ${death.reason}` : ''}.</strong>{' '}
        {index >= 0 ? (
          <>
            It was running{' '}
            <button className="link" data-testid="kernel-banner-cell" onClick={() => useNotebook.getState().select(index)}>
              cell {index + 1}
            </button>
            ; its variables were lost.{' '}
          </>
        ) : (
          'Its variables were lost. '
        )}
        {death.notRun > 0 && (
          <span data-testid="kernel-banner-not-run">{death.notRun === 1 ? '1 queued cell was' : `${death.notRun} queued cells were`} not run. </span>
        )}
        {fresh ? (
          <span data-testid="kernel-banner-fresh">A fresh kernel is running now (execution counts start again at 1): re-run the cells you need.</span>
        ) : (
          <span>The kernel is not running: restart it to go on.</span>
        )}
      </span>
      <span className="banner-actions">
        {fresh && index >= 0 && (
          <button data-testid="kernel-banner-rerun" onClick={rerun}>
            Re-run up to cell {index + 1}
          </button>
        )}
        {!fresh && (
          <button className="primary" data-testid="kernel-banner-restart" onClick={() => void restartKernel(false)}>
            Restart kernel
          </button>
        )}
        <button data-testid="kernel-banner-dismiss" onClick={dismiss}>
          Dismiss
        </button>
      </span>
    </div>
  );
}
