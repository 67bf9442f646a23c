// Keeps the variable inspector current while its panel is open: reads the active kernel's variables on opening, when
// a run ends (nothing left running or queued), on a restart and on a tab switch, and a DataFrame's detail on demand.
// The kernel's own busy/idle flips are no trigger: the inspector's silent requests cause them too, and would loop.
import { host } from '../host.ts';
import { useKernel } from '../stores/kernel.ts';
import { useNotebook, type CellRuntime } from '../stores/notebook.ts';
import { useVariables } from '../stores/variables.ts';

/** After a run, the panel waits this long, so a cell that ends and the next that starts cost one read, not two. */
const SETTLE_MS = 30;
/** A busy kernel was not asked again until it answered; the panel retries this often until it does. */
const STALE_RETRY_MS = 1500;

const BUSY = 'The kernel is busy with a cell; open this again when it is done.';

let seq = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

const vars = () => useVariables.getState();

/** Reads the active kernel's variables; a busy kernel leaves the last list in place, marked stale. */
export async function refreshVariables(): Promise<void> {
  clearTimeout(retryTimer);
  const mine = ++seq;
  const { kernelId, status } = useKernel.getState();
  if (!kernelId || status === 'dead') {
    vars().set({ kernelId: null, variables: [], total: 0, loading: false, stale: false, error: null, readAt: null, open: {} });
    return;
  }
  if (vars().kernelId !== kernelId) vars().set({ kernelId, variables: [], total: 0, stale: false, error: null, readAt: null, open: {} });
  vars().set({ loading: true });
  try {
    const res = await host().kernel.variables({ kernelId });
    if (mine !== seq) return;
    if (!res.answered) {
      vars().set({ loading: false, stale: true });
      retryTimer = setTimeout(() => void refreshVariables(), STALE_RETRY_MS);
      return;
    }
    vars().set({ variables: res.variables, total: res.total, loading: false, stale: false, error: null, readAt: Date.now() });
    // Open rows follow the new values; a name that went away closes.
    const names = new Set(res.variables.map((v) => v.name));
    for (const name of Object.keys(vars().open)) {
      if (names.has(name)) void loadDetail(name);
      else vars().setDetail(name, null);
    }
  } catch (e) {
    if (mine === seq) vars().set({ loading: false, error: (e as Error).message });
  }
}

/** Reads one DataFrame's or Series' columns and first rows; what was shown stays until the answer comes. */
async function loadDetail(name: string): Promise<void> {
  const kernelId = vars().kernelId;
  if (!kernelId) return;
  const before = vars().open[name]?.detail ?? null;
  vars().setDetail(name, { loading: true, detail: before, error: null });
  const still = () => vars().kernelId === kernelId && name in vars().open;
  try {
    const d = await host().kernel.variable({ kernelId, name });
    if (!still()) return;
    if (!d.answered) vars().setDetail(name, { loading: false, detail: before, error: before ? null : BUSY });
    else if (!d.found) vars().setDetail(name, { loading: false, detail: null, error: `${name} is no longer defined.` });
    else vars().setDetail(name, { loading: false, detail: d, error: null });
  } catch (e) {
    if (still()) vars().setDetail(name, { loading: false, detail: before, error: (e as Error).message });
  }
}

export function toggleVariable(name: string): void {
  if (vars().open[name]) vars().setDetail(name, null);
  else void loadDetail(name);
}

/** A cell stopped running and nothing of the notebook is running or queued: its namespace may have changed. */
function runEnded(prev: Record<string, CellRuntime>, next: Record<string, CellRuntime>): boolean {
  const stopped = Object.entries(prev).some(([id, r]) => r.state === 'running' && next[id]?.state !== 'running');
  return stopped && !Object.values(next).some((r) => r.state === 'running' || r.state === 'queued');
}

/** Follows runs, restarts and tab switches while the panel is open; returns the unsubscribe. */
export function watchVariables(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void refreshVariables(), SETTLE_MS);
  };
  const offKernel = useKernel.subscribe((s, prev) => {
    if (s.kernelId !== prev.kernelId) soon();
    // A restart empties the namespace (the app's own silent requests only go busy → idle).
    else if (s.status !== prev.status && (prev.status === 'restarting' || prev.status === 'starting' || s.status === 'dead')) soon();
  });
  const offNotebook = useNotebook.subscribe((s, prev) => {
    if (s.runtime !== prev.runtime && runEnded(prev.runtime, s.runtime)) soon();
  });
  void refreshVariables();
  return () => {
    offKernel();
    offNotebook();
    clearTimeout(timer);
    clearTimeout(retryTimer);
    seq++; // an answer still in flight is for a panel no longer shown
  };
}
