// Autosave and the crash journal. Edits and outputs have separate clocks: a pause in typing journals the cells
// (without outputs, so it is small) within 0.3 s and saves within 1.2 s (so a 50 MB notebook, written in under
// 0.8 s, is on disk within 2 s), and nothing a running cell prints can postpone either; outputs are journaled and
// saved on a slower cadence of their own.
import type { Cell, NotebookDoc } from '../../../preload/contract.ts';
import { host, onConnectionChange } from '../host.ts';
import { useConnection } from '../stores/connection.ts';
import type { NotebookStore } from '../stores/notebook.ts';
import { activeTab, allTabs, useTabs, type Tab } from '../stores/tabs.ts';
import { useUi } from '../stores/ui.ts';
import { save } from './files.ts';
import { forgetInTab, keepInTab, readFromTab } from './tab-journal.ts';

const JOURNAL_MS = 300;
const AUTOSAVE_MS = 1200;
const OUTPUTS_EVERY_MS = 2000;

/** True when the user changed the document (cells, their order, text, type or metadata), not only its outputs. */
export function isEdit(prev: NotebookDoc | null, doc: NotebookDoc | null): boolean {
  if (!prev || !doc) return prev !== doc;
  if (prev.metadata !== doc.metadata || prev.cells.length !== doc.cells.length) return true;
  return doc.cells.some((c, i) => {
    const p = prev.cells[i];
    return p !== c && (!p || p.id !== c.id || p.source !== c.source || p.cell_type !== c.cell_type || p.metadata !== c.metadata);
  });
}

function withoutOutputs(doc: NotebookDoc): NotebookDoc {
  return { ...doc, cells: doc.cells.map((c): Cell => (c.cell_type === 'code' ? { ...c, outputs: [] } : c)) };
}

const keyOf = (s: NotebookStore) => s.path ?? s.untitledKey;

function journalEdits(tab: Tab): void {
  const cur = tab.notebook.getState();
  if (!cur.doc || !cur.dirty) return;
  const doc = withoutOutputs(cur.doc);
  void keepInTab({ key: keyOf(cur), savedAtMs: Date.now(), doc });
  void host()
    .notebook.journal({ key: keyOf(cur), doc, part: 'edits' })
    .catch(() => undefined);
}

function journalAll(tab: Tab): void {
  const cur = tab.notebook.getState();
  if (cur.doc && cur.dirty)
    void host()
      .notebook.journal({ key: keyOf(cur), doc: cur.doc, part: 'full' })
      .catch(() => undefined);
}

function autosave(tab: Tab): void {
  const cur = tab.notebook.getState();
  const conflict = tab === activeTab() && useUi.getState().dialog?.kind === 'changedOnDisk';
  if (cur.dirty && cur.path && !conflict) void save({}, tab);
}

/** Offers this tab's own newer copy of a notebook that just opened (the service died before it got the edits). */
async function offerTabCopy(tab: Tab, key: string, mtimeMs: number | null): Promise<void> {
  const kept = await readFromTab(key);
  const cur = tab.notebook.getState();
  if (!kept || !cur.doc || keyOf(cur) !== key || (mtimeMs !== null && kept.savedAtMs <= mtimeMs)) return;
  const same = kept.doc.cells.length === cur.doc.cells.length && kept.doc.cells.every((c, i) => c.source === cur.doc?.cells[i]?.source);
  if (same) return void forgetInTab(key);
  if (useUi.getState().dialog || tab !== activeTab()) return; // the service's own journal is being offered already
  const outputs = new Map(cur.doc.cells.map((c) => [c.id, c] as const));
  const doc = { ...kept.doc, cells: kept.doc.cells.map((c) => (c.cell_type === 'code' ? { ...c, outputs: outputs.get(c.id)?.outputs ?? [] } : c)) };
  useUi.getState().setDialog({ kind: 'recovered', doc, savedAt: new Date(kept.savedAtMs).toISOString() });
}

/** Journals and saves one tab's notebook on its own clocks, whether the tab is in front or not. */
function watchTab(tab: Tab): () => void {
  let journalTimer: ReturnType<typeof setTimeout> | undefined;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let outputsTimer: ReturnType<typeof setTimeout> | undefined;
  const unsub = tab.notebook.subscribe((s, prev) => {
    if (s.path !== prev.path || (s.doc && !prev.doc)) {
      if (!s.dirty) void offerTabCopy(tab, keyOf(s), s.mtimeMs);
    }
    if (prev.dirty && !s.dirty) void forgetInTab(keyOf(s));
    if (s.version === prev.version || !s.dirty || !s.doc) return;
    if (isEdit(prev.doc, s.doc)) {
      clearTimeout(journalTimer);
      clearTimeout(saveTimer);
      journalTimer = setTimeout(() => journalEdits(tab), JOURNAL_MS);
      saveTimer = setTimeout(() => autosave(tab), AUTOSAVE_MS);
    } else {
      // Outputs: at most one full journal and one save per interval, however fast a cell prints.
      outputsTimer ??= setTimeout(() => {
        outputsTimer = undefined;
        journalAll(tab);
        autosave(tab);
      }, OUTPUTS_EVERY_MS);
    }
  });
  return () => {
    unsub();
    clearTimeout(journalTimer);
    clearTimeout(saveTimer);
    clearTimeout(outputsTimer);
  };
}

/** Work that would be lost if the page went away now: an untitled notebook with content, or edits no save can write. */
export function unsavedWork(): boolean {
  return allTabs().some((t) => {
    const nb = t.notebook.getState();
    if (!nb.doc) return false;
    if (!nb.path) return nb.dirty && nb.doc.cells.some((c) => c.source.trim() !== '');
    return nb.dirty && (!!nb.readOnly || !!nb.conversion);
  });
}

export function startAutosave(): () => void {
  const watchers = new Map<Tab, () => void>();
  const follow = () => {
    const tabs = new Set(allTabs());
    for (const [tab, stop] of watchers) if (!tabs.has(tab)) (stop(), watchers.delete(tab));
    for (const tab of tabs) if (!watchers.has(tab)) watchers.set(tab, watchTab(tab));
  };
  follow();
  const offTabs = useTabs.subscribe(follow);
  // Back online (a blip, or a restarted service on the same port): send what the tabs kept meanwhile.
  const offConnection = onConnectionChange((online) => {
    const was = useConnection.getState();
    if (!online) return void (was.online && was.set({ online: false, offlineSince: Date.now() }));
    was.set({ online: true, offlineSince: null });
    if (was.online) return;
    // A restarted service watches nothing yet: changes by other programs must still be noticed.
    const { path } = activeTab().notebook.getState();
    if (path)
      void host()
        .notebook.watch({ path })
        .catch(() => undefined);
    const dirty = allTabs().filter((t) => t.notebook.getState().dirty);
    if (!dirty.length) return;
    for (const tab of dirty) {
      journalEdits(tab);
      journalAll(tab);
      autosave(tab);
    }
    was.set({ replayedAt: Date.now() });
  });
  const beforeUnload = (e: BeforeUnloadEvent) => {
    for (const tab of allTabs()) journalEdits(tab);
    // Edits to a file are journaled and restored after a reload; an untitled notebook or an unwritable file is not.
    if (unsavedWork()) {
      e.preventDefault();
      e.returnValue = '';
    }
  };
  window.addEventListener('beforeunload', beforeUnload);
  return () => {
    offTabs();
    offConnection();
    for (const stop of watchers.values()) stop();
    window.removeEventListener('beforeunload', beforeUnload);
  };
}
