// Schedules stage classification after typing pauses and fetches next-line suggestions for the active cell.
import { MARKDOWN_CHARS } from '../../../preload/contract.ts';
import { host } from '../host.ts';
import { currentSuggestions, useMl } from '../stores/ml.ts';
import { useNotebook } from '../stores/notebook.ts';

const CLASSIFY_PAUSE_MS = 150;
const SUGGEST_PAUSE_MS = 200;
/** The IPC contract's cap on sources per call. */
const MAX_CELLS = 5000;

export function startStageClassifier(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  const tick = async () => {
    if (running) return;
    const cells = useNotebook.getState().doc?.cells.filter((c) => c.cell_type === 'code') ?? [];
    const known = useMl.getState().stages;
    const pending = cells.filter((c) => c.source.trim() && known[c.id]?.source !== c.source);
    if (!pending.length) return;
    // A cell's stage can depend on earlier cells (plots of predictions are evaluation), so the whole notebook goes
    // in order; the worker caches unchanged cells. Past the IPC cap, changed cells go alone, without context.
    const whole = cells.length <= MAX_CELLS;
    const batch = (whole ? cells : pending.slice(0, MAX_CELLS)).filter((c) => c.source.trim());
    running = true;
    try {
      const preds = await host().ml.classify({ sources: batch.map((c) => c.source), notebook: whole });
      const next = { ...useMl.getState().stages };
      batch.forEach((c, i) => {
        const p = preds[i];
        if (p) next[c.id] = { ...p, source: c.source };
      });
      useMl.getState().set({ stages: next, modelError: null });
    } catch (e) {
      useMl.getState().set({ modelError: (e as Error).message });
      return; // no retry loop on a missing model; the next edit tries again
    } finally {
      running = false;
    }
    // Edits that arrived while this batch ran were skipped by the guard above; pick them up now.
    timer = setTimeout(() => void tick(), !whole && pending.length > MAX_CELLS ? 0 : CLASSIFY_PAUSE_MS);
  };
  const unsub = useNotebook.subscribe((s, prev) => {
    if (s.version === prev.version) return;
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), CLASSIFY_PAUSE_MS);
  });
  void tick();
  return () => {
    unsub();
    clearTimeout(timer);
  };
}

let suggestTimer: ReturnType<typeof setTimeout> | undefined;

/** Asks for suggestions after a short pause; `prefix` is the active cell's text up to the cursor. */
export function requestSuggestions(cellId: string, prefix: string): void {
  clearTimeout(suggestTimer);
  // A new request makes every earlier answer stale, shown or still in flight.
  const seq = useMl.getState().suggestSeq + 1;
  useMl.getState().set({ suggestSeq: seq });
  suggestTimer = setTimeout(async () => {
    const doc = useNotebook.getState().doc;
    if (!doc) return;
    const idx = doc.cells.findIndex((c) => c.id === cellId);
    // Each code cell with the markdown just above it: a "Missing values" title says what comes next.
    const earlier: string[] = [];
    const markdown: string[] = [];
    let md: string[] = [];
    for (const c of doc.cells.slice(0, Math.max(0, idx + 1))) {
      if (c.cell_type === 'markdown') md.push(c.source);
      if (c.cell_type !== 'code') continue;
      if (c.id !== cellId) earlier.push(c.source);
      markdown.push(md.join('\n').slice(-MARKDOWN_CHARS));
      md = [];
    }
    try {
      const columns = useMl.getState().kernelColumns;
      const path = useNotebook.getState().path;
      const res = await host().ml.suggest({
        cells: [...earlier, prefix],
        top: 5,
        ...(markdown.some(Boolean) ? { markdown } : {}),
        ...(columns.length ? { columns } : {}),
        ...(path ? { notebookPath: path } : {}),
      });
      if (seq === useMl.getState().suggestSeq) useMl.getState().set({ suggestions: { cellId, items: res.suggestions, seq } });
    } catch {
      if (seq === useMl.getState().suggestSeq) useMl.getState().set({ suggestions: null });
    }
  }, SUGGEST_PAUSE_MS);
}

/** Tells the main side which chip the user took, so its key ranks higher for them next time. */
export function recordAccept(key: string | undefined): void {
  if (key)
    void host()
      .ml.feedback({ key, action: 'accept' })
      .catch(() => undefined);
}

/** `byUser`: the user waved the chips away (Esc, ×): chip 1's key ranks lower for them next time. */
export function dismissSuggestions(byUser = false): void {
  const shown = currentSuggestions(useMl.getState());
  const key = shown?.items[0]?.key;
  if (byUser && key)
    void host()
      .ml.feedback({ key, action: 'dismiss' })
      .catch(() => undefined);
  clearTimeout(suggestTimer);
  useMl.getState().set({ suggestions: null, suggestSeq: useMl.getState().suggestSeq + 1 });
}

/** Reads the DataFrames' columns from the kernel (silently) so that chips name columns that exist. */
export async function refreshKernelColumns(kernelId: string): Promise<void> {
  try {
    const frames = await host().kernel.frames({ kernelId });
    useMl.getState().set({ kernelColumns: [...new Set(frames.flatMap((f) => f.columns))].slice(0, 5000) });
  } catch {
    // A busy or dead kernel: the columns seen in the code stand in.
  }
}
