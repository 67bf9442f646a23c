// Runs the workflow checks on the active notebook after each pause in typing and after each run (the service runs
// them in its worker thread, so typing never waits), and keeps the user's "ignore" choices in the notebook's metadata.
import type { StoreApi } from 'zustand/vanilla';
import type { NotebookDoc } from '../../../preload/contract.ts';
import { host } from '../host.ts';
import { useChecks } from '../stores/checks.ts';
import { useNotebook, type NotebookStore } from '../stores/notebook.ts';
import { useTabs } from '../stores/tabs.ts';

/** Findings show within 300 ms of a pause: this wait, then a few ms in the worker for a notebook already parsed. */
const PAUSE_MS = 200;
/** The contract's limits: past them a cell is checked as empty rather than the whole request refused. */
const MAX_CELLS = 5000;
const MAX_CELL_CHARS = 200_000;

/**
 * The source each cell had when it last ran, per notebook: a cell whose text differs has been edited since. A cell
 * that ran before the notebook was opened counts with the text it was opened with.
 */
const ranSources = new WeakMap<StoreApi<NotebookStore>, Map<string, string>>();
const followed = new WeakSet<StoreApi<NotebookStore>>();

function ranOf(store: StoreApi<NotebookStore>): Map<string, string> {
  let m = ranSources.get(store);
  if (!m) ranSources.set(store, (m = new Map()));
  return m;
}

/** Records what ran: the text at the moment a cell starts running, or the text before the first edit of a cell that had run. */
function follow(store: StoreApi<NotebookStore>): void {
  if (followed.has(store)) return;
  followed.add(store);
  remember(store, store.getState().doc, null);
  store.subscribe((s, prev) => {
    const ran = ranOf(store);
    if (s.runtime !== prev.runtime) {
      for (const [id, rt] of Object.entries(s.runtime)) {
        if (rt.state === 'running' && prev.runtime[id]?.state !== 'running') {
          const cell = s.doc?.cells.find((c) => c.id === id);
          if (cell) ran.set(id, cell.source);
        }
      }
    }
    if (s.doc !== prev.doc) remember(store, s.doc, prev.doc);
  });
}

function remember(store: StoreApi<NotebookStore>, doc: NotebookDoc | null, prev: NotebookDoc | null): void {
  if (!doc) return;
  const ran = ranOf(store);
  const before = prev && prev.cells !== doc.cells ? new Map(prev.cells.map((c) => [c.id, c.source])) : null;
  for (const c of doc.cells) {
    if (c.cell_type !== 'code' || c.execution_count == null || ran.has(c.id)) continue;
    ran.set(c.id, before?.get(c.id) ?? c.source);
  }
}

function ignoredIn(doc: NotebookDoc | null): string[] {
  const gds = doc?.metadata.gds as { ignoredFindings?: unknown } | undefined;
  return Array.isArray(gds?.ignoredFindings) ? gds.ignoredFindings.filter((k): k is string => typeof k === 'string') : [];
}

let seq = 0;

async function check(store: StoreApi<NotebookStore>): Promise<void> {
  const { doc } = store.getState();
  const mine = ++seq;
  if (!doc) return;
  const ran = ranOf(store);
  const cells = doc.cells.filter((c) => c.cell_type === 'code').slice(0, MAX_CELLS).map((c) => ({
    id: c.id,
    source: c.source.length > MAX_CELL_CHARS ? '' : c.source,
    executionCount: c.execution_count ?? null,
    editedSinceRun: c.execution_count != null && ran.has(c.id) && ran.get(c.id) !== c.source,
  }));
  try {
    const findings = await host().ml.lint({ cells });
    // A newer request (another edit, another tab) answers for the notebook as it is now.
    if (mine === seq && useNotebook.current() === store) useChecks.getState().set({ findings, error: null });
  } catch (e) {
    if (mine === seq) useChecks.getState().set({ error: (e as Error).message });
  }
}

let started = false;

/** Starts checking (once): on every change of the active notebook, after a pause; at once when another tab comes to front. */
export function startChecks(): void {
  if (started) return;
  started = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let shown: StoreApi<NotebookStore> | null = null;
  const schedule = (delay: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void check(useNotebook.current()), delay);
  };
  const syncIgnored = (doc: NotebookDoc | null) => {
    const ignored = ignoredIn(doc);
    const now = useChecks.getState().ignored;
    if (ignored.length !== now.length || ignored.some((k, i) => k !== now[i])) useChecks.getState().set({ ignored });
  };
  useTabs.getState().tabs.forEach((t) => follow(t.notebook));
  useTabs.subscribe((s) => s.tabs.forEach((t) => follow(t.notebook)));
  useNotebook.subscribe((s, prev) => {
    const store = useNotebook.current();
    follow(store);
    if (store !== shown) {
      // Another tab: its findings, not the last tab's, from the first frame.
      shown = store;
      useChecks.getState().set({ findings: [], error: null });
      syncIgnored(s.doc);
      schedule(0);
      return;
    }
    if (s.doc !== prev.doc) syncIgnored(s.doc);
    if (s.version !== prev.version) schedule(PAUSE_MS);
  });
  shown = useNotebook.current();
  syncIgnored(useNotebook.getState().doc);
  schedule(0);
}

function setIgnored(keys: string[]): void {
  const nb = useNotebook.getState();
  const gds = (nb.doc?.metadata.gds as Record<string, unknown> | undefined) ?? {};
  const rest = Object.fromEntries(Object.entries(gds).filter(([k]) => k !== 'ignoredFindings'));
  nb.setNotebookMetadata('gds', keys.length ? { ...rest, ignoredFindings: keys } : rest);
}

/** Hides a finding for good: its key goes into the notebook's metadata, so the choice travels with the file. */
export function ignoreFinding(key: string): void {
  const keys = ignoredIn(useNotebook.getState().doc);
  if (!keys.includes(key)) setIgnored([...keys, key]);
}

export function restoreFinding(key: string): void {
  setIgnored(ignoredIn(useNotebook.getState().doc).filter((k) => k !== key));
}
