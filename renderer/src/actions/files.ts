// File commands: new, open, save, save as (autosave and the crash journal live in autosave.ts).
import type { NotebookDoc } from '../../../preload/contract.ts';
import { host } from '../host.ts';
import { activateTab, activeTab, addTab, allTabs, isBlank, removeTab, tabOfPath, type Tab } from '../stores/tabs.ts';
import { ensureKernel } from './execute.ts';
import { useUi } from '../stores/ui.ts';

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The active tab when nobody has used it yet, else a new tab. */
function freshTab(): { tab: Tab; made: boolean } {
  const tab = activeTab();
  return isBlank(tab) ? { tab, made: false } : { tab: addTab(), made: true };
}

export async function newNotebook(): Promise<void> {
  const doc = await host().notebook.create({});
  const { tab } = freshTab();
  tab.notebook.getState().load(doc, null, null);
  rememberFileOutputs(doc, tab);
  await host().notebook.watch({ path: null });
}

/**
 * Opens a notebook in its own tab (the tab it is already in, if any; `reload` reads it again from disk there).
 * The notebook's running session, if any, is joined: its kernel, variables and execution counts. `startKernel` starts
 * one when none runs (the file the app starts on: the host is already bringing its kernel up).
 */
export async function openNotebook(path: string, opts: { reload?: boolean; quiet?: boolean; startKernel?: boolean } = {}): Promise<boolean> {
  const open = allTabs().find((t) => t.notebook.getState().path === path);
  if (open && !opts.reload) {
    activateTab(open.id);
    return true;
  }
  let target: { tab: Tab; made: boolean } | null = null;
  try {
    const opened = await host().notebook.open({ path });
    const already = tabOfPath(opened.path); // the same file by another spelling of its path
    if (already && !opts.reload) {
      activateTab(already.id);
      return true;
    }
    target = already ? { tab: already, made: false } : freshTab();
    const { tab } = target;
    activateTab(tab.id);
    const nb = tab.notebook.getState();
    nb.load(opened.doc, opened.path, opened.mtimeMs);
    rememberFileOutputs(opened.doc, tab);
    nb.setFileState({ readOnly: opened.readOnly ?? null, conversion: opened.conversion ?? null });
    await host().notebook.watch({ path: opened.path });
    const name = opened.path.split(/[\\/]/).pop() ?? 'Notebook';
    // Journaled outputs the file missed (a reload right after a run) come back silently: no edit of the user's is in
    // question, and autosave writes them. Edits are the user's call.
    if (opened.recovered && sameCells(opened.recovered.doc, opened.doc) && !opened.readOnly) {
      const merged = withJournaledOutputs(opened.doc, opened.recovered.doc);
      if (merged !== opened.doc) nb.load(merged, opened.path, opened.mtimeMs, true);
    } else if (opened.recovered) {
      const doc = withFileOutputs(opened.recovered.doc, opened.doc);
      useUi.getState().setDialog({ kind: 'recovered', doc, savedAt: opened.recovered.savedAt });
    } else if (opened.readOnly) useUi.getState().setDialog({ kind: 'readOnly', reason: opened.readOnly });
    if (opened.recovered && opened.readOnly) useUi.getState().toast('error', opened.readOnly);
    if (opened.conversion && !opened.readOnly) {
      useUi
        .getState()
        .toast(
          'info',
          `${name} is in the old notebook format ${opened.conversion.from} and is shown converted to format 4. The file is converted only when you save ` +
            `and agree; its original is then kept as ${opened.conversion.backupPath}.`,
        );
    }
    showTitle(opened.path, !!opened.readOnly);
    if (opts.startKernel)
      void ensureKernel(tab).catch(() => undefined); // a failed start shows on the kernel badge
    else void joinSession(tab, opened.path);
    return true;
  } catch (e) {
    if (target?.made) removeTab(target.tab.id);
    // A remembered notebook that is gone (deleted, moved) is not worth an error after a reload.
    if (!opts.quiet) useUi.getState().toast('error', errorText(e));
    return false;
  }
}

/** The window names the notebook in front. */
export function showTitle(path: string | null, readOnly: boolean): void {
  document.title = `${path ? (path.split(/[\\/]/).pop() ?? path) : 'Untitled'}${readOnly ? ' (read-only)' : ''} — Guided Data Science`;
}

/** The same cells (ids, types, sources, metadata) in the same order: the documents differ at most in outputs. */
function sameCells(a: NotebookDoc, b: NotebookDoc): boolean {
  const key = (d: NotebookDoc) => JSON.stringify(d.cells.map((c) => [c.id, c.cell_type, c.source, c.metadata]));
  return JSON.stringify(a.metadata) === JSON.stringify(b.metadata) && key(a) === key(b);
}

/**
 * The file's document with the outputs the journal holds for its cells. A journal of edits alone has none: then the
 * file's are kept (never dropped). The file's own document when nothing differs.
 */
function withJournaledOutputs(file: NotebookDoc, journal: NotebookDoc): NotebookDoc {
  const byId = new Map(journal.cells.map((c) => [c.id, c] as const));
  let changed = false;
  const cells = file.cells.map((c) => {
    const j = byId.get(c.id);
    if (c.cell_type !== 'code' || j?.cell_type !== 'code' || !j.outputs?.length) return c;
    if (JSON.stringify(j.outputs) === JSON.stringify(c.outputs ?? []) && j.execution_count === c.execution_count) return c;
    changed = true;
    return { ...c, outputs: j.outputs, execution_count: j.execution_count };
  });
  return changed ? { ...file, cells } : file;
}

/** A journal of edits alone has no outputs: its code cells take the file's, so restoring edits never drops them. */
function withFileOutputs(journal: NotebookDoc, file: NotebookDoc): NotebookDoc {
  const byId = new Map(file.cells.map((c) => [c.id, c] as const));
  return {
    ...journal,
    cells: journal.cells.map((c) => {
      const f = byId.get(c.id);
      if (c.cell_type !== 'code' || c.outputs?.length || f?.cell_type !== 'code' || !f.outputs?.length) return c;
      return { ...c, outputs: f.outputs, execution_count: c.execution_count ?? f.execution_count };
    }),
  };
}

/** Joins the notebook's running session (after a reload, or one started elsewhere); starts no kernel. */
async function joinSession(tab: Tab, path: string): Promise<void> {
  try {
    const sessions = await host().kernel.sessions({});
    if (!sessions.some((s) => s.path === path) || tab.kernel.getState().kernelId) return;
    await ensureKernel(tab);
  } catch {
    // No server yet or it refused: the first run starts a kernel as usual.
  }
}

/** Per tab: the save in flight, the outputs the file holds, saves sent without a reply yet. */
interface SaveState {
  saving: Promise<void> | null;
  fileOutputs: Map<string, unknown>;
  unconfirmed: string[];
}
const saveStates = new WeakMap<Tab, SaveState>();

function saveState(tab: Tab): SaveState {
  let st = saveStates.get(tab);
  if (!st) saveStates.set(tab, (st = { saving: null, fileOutputs: new Map(), unconfirmed: [] }));
  return st;
}

let lastRefusal = { text: '', at: 0 };

/** Says why the file is not written, once per 10 s (autosave asks after every pause in typing). */
function refuse(text: string): void {
  const now = Date.now();
  if (text === lastRefusal.text && now - lastRefusal.at < 10_000) return;
  lastRefusal = { text, at: now };
  useUi.getState().toast('error', `Not saved. ${text}`);
}

/**
 * Saves to the open file, or to `path` (Save as). Never writes over a file opened read-only, and converts a format 2/3
 * file only with `convert` (the user's answer to the conversion dialog, which a plain save opens).
 */
/** Each code cell's outputs as the file holds them (same array: unchanged since it was read or saved). */
export function rememberFileOutputs(doc: NotebookDoc, tab: Tab = activeTab()): void {
  saveState(tab).fileOutputs = new Map(doc.cells.flatMap((c) => (c.cell_type === 'code' && c.outputs?.length ? [[c.id, c.outputs] as const] : [])));
}

/** The document with unchanged outputs left out, or null when none are worth leaving out. */
function withoutFileOutputs(doc: NotebookDoc, fileOutputs: Map<string, unknown>): { doc: NotebookDoc; keepOutputs: string[] } | null {
  const keepOutputs = doc.cells.filter((c) => c.cell_type === 'code' && c.outputs?.length && fileOutputs.get(c.id) === c.outputs).map((c) => c.id);
  if (!keepOutputs.length) return null;
  const keep = new Set(keepOutputs);
  return { doc: { ...doc, cells: doc.cells.map((c) => (keep.has(c.id) ? { ...c, outputs: [] } : c)) }, keepOutputs };
}

export async function save(opts: { path?: string; force?: boolean; convert?: boolean } = {}, tab: Tab = activeTab()): Promise<void> {
  const state = saveState(tab);
  while (state.saving) await state.saving;
  const st = tab.notebook.getState();
  const path = opts.path ?? st.path;
  if (!st.doc) return;
  if (!path) return useUi.getState().setDialog({ kind: 'saveAs' });
  const sameFile = path === st.path;
  if (sameFile && st.readOnly) return refuse(st.readOnly);
  if (sameFile && st.conversion && !opts.convert) {
    if (!useUi.getState().dialog) useUi.getState().setDialog({ kind: 'convert', from: st.conversion.from, backupPath: st.conversion.backupPath });
    return;
  }
  const version = st.version;
  state.saving = (async () => {
    try {
      const convert = sameFile && !!opts.convert && !!st.conversion;
      const saveId = crypto.randomUUID();
      const base = {
        path,
        expectedMtimeMs: sameFile ? st.mtimeMs : null,
        force: opts.force,
        ...(convert ? { convert: true } : {}),
        saveId,
        ...(sameFile && state.unconfirmed.length ? { unconfirmed: [...state.unconfirmed] } : {}),
      };
      // Until a reply comes, this save may have written the file (the service can die after the rename; see
      // `save-receipts.ts` on the host).
      state.unconfirmed = [...state.unconfirmed, saveId].slice(-8);
      const lean = sameFile && !convert ? withoutFileOutputs(st.doc!, state.fileOutputs) : null;
      const res = lean
        ? await host()
            .notebook.save({ ...base, ...lean })
            .catch((e: unknown) => {
              if (!errorText(e).includes('no longer holds the outputs')) throw e;
              return host().notebook.save({ ...base, doc: st.doc! });
            })
        : await host().notebook.save({ ...base, doc: st.doc! });
      state.unconfirmed = [];
      rememberFileOutputs(st.doc!, tab);
      tab.notebook.getState().markSaved(res.path, res.mtimeMs, version);
      // Another file now holds the document: it is writable, and in format 4.
      if (!sameFile || convert) tab.notebook.getState().setFileState({ readOnly: null, conversion: null });
      if (res.backupPath) useUi.getState().toast('info', `Converted to notebook format 4. The original is kept at ${res.backupPath}.`);
      if (opts.path) await host().notebook.watch({ path: res.path });
    } catch (e) {
      const msg = errorText(e);
      if (msg.includes('changed by another program')) useUi.getState().setDialog({ kind: 'changedOnDisk', mtimeMs: 0 });
      else useUi.getState().toast('error', msg);
    } finally {
      state.saving = null;
    }
  })();
  await state.saving;
}
