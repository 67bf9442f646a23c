// File commands: new, open, save, save as (autosave and the crash journal live in autosave.ts).
import type { NotebookDoc } from '../../../preload/contract.ts';
import { host } from '../host.ts';
import { useNotebook } from '../stores/notebook.ts';
import { useUi } from '../stores/ui.ts';

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function newNotebook(): Promise<void> {
  const doc = await host().notebook.create({});
  useNotebook.getState().load(doc, null, null);
  rememberFileOutputs(doc);
  await host().notebook.watch({ path: null });
}

export async function openNotebook(path: string): Promise<boolean> {
  try {
    const opened = await host().notebook.open({ path });
    const nb = useNotebook.getState();
    nb.load(opened.doc, opened.path, opened.mtimeMs);
    rememberFileOutputs(opened.doc);
    nb.setFileState({ readOnly: opened.readOnly ?? null, conversion: opened.conversion ?? null });
    await host().notebook.watch({ path: opened.path });
    const name = opened.path.split(/[\\/]/).pop() ?? 'Notebook';
    document.title = `${name}${opened.readOnly ? ' (read-only)' : ''} — Guided Data Science`;
    if (opened.recovered) useUi.getState().setDialog({ kind: 'recovered', doc: opened.recovered.doc, savedAt: opened.recovered.savedAt });
    else if (opened.readOnly) useUi.getState().setDialog({ kind: 'readOnly', reason: opened.readOnly });
    if (opened.recovered && opened.readOnly) useUi.getState().toast('error', opened.readOnly);
    if (opened.conversion && !opened.readOnly) {
      useUi.getState().toast('info', `${name} is in the old notebook format ${opened.conversion.from} and is shown converted to format 4. The file is converted only when you save and agree; its original is then kept as ${opened.conversion.backupPath}.`);
    }
    return true;
  } catch (e) {
    useUi.getState().toast('error', errorText(e));
    return false;
  }
}

let saving: Promise<void> | null = null;
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
let fileOutputs = new Map<string, unknown>();

export function rememberFileOutputs(doc: NotebookDoc): void {
  fileOutputs = new Map(doc.cells.flatMap((c) => (c.cell_type === 'code' && c.outputs?.length ? [[c.id, c.outputs] as const] : [])));
}

/** The document with unchanged outputs left out, or null when none are worth leaving out. */
function withoutFileOutputs(doc: NotebookDoc): { doc: NotebookDoc; keepOutputs: string[] } | null {
  const keepOutputs = doc.cells.filter((c) => c.cell_type === 'code' && c.outputs?.length && fileOutputs.get(c.id) === c.outputs).map((c) => c.id);
  if (!keepOutputs.length) return null;
  const keep = new Set(keepOutputs);
  return { doc: { ...doc, cells: doc.cells.map((c) => (keep.has(c.id) ? { ...c, outputs: [] } : c)) }, keepOutputs };
}

/** Saves of the open file sent without a reply yet (answered saves clear it; see `save-receipts.ts` on the host). */
let unconfirmed: string[] = [];

export async function save(opts: { path?: string; force?: boolean; convert?: boolean } = {}): Promise<void> {
  while (saving) await saving;
  const st = useNotebook.getState();
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
  saving = (async () => {
    try {
      const convert = sameFile && !!opts.convert && !!st.conversion;
      const saveId = crypto.randomUUID();
      const base = {
        path, expectedMtimeMs: sameFile ? st.mtimeMs : null, force: opts.force, ...(convert ? { convert: true } : {}),
        saveId, ...(sameFile && unconfirmed.length ? { unconfirmed: [...unconfirmed] } : {}),
      };
      // Until a reply comes, this save may have written the file (the service can die after the rename).
      unconfirmed = [...unconfirmed, saveId].slice(-8);
      const lean = sameFile && !convert ? withoutFileOutputs(st.doc!) : null;
      const res = lean
        ? await host().notebook.save({ ...base, ...lean }).catch((e: unknown) => {
          if (!errorText(e).includes('no longer holds the outputs')) throw e;
          return host().notebook.save({ ...base, doc: st.doc! });
        })
        : await host().notebook.save({ ...base, doc: st.doc! });
      unconfirmed = [];
      rememberFileOutputs(st.doc!);
      useNotebook.getState().markSaved(res.path, res.mtimeMs, version);
      // Another file now holds the document: it is writable, and in format 4.
      if (!sameFile || convert) useNotebook.getState().setFileState({ readOnly: null, conversion: null });
      if (res.backupPath) useUi.getState().toast('info', `Converted to notebook format 4. The original is kept at ${res.backupPath}.`);
      if (opts.path) await host().notebook.watch({ path: res.path });
    } catch (e) {
      const msg = errorText(e);
      if (msg.includes('changed by another program')) useUi.getState().setDialog({ kind: 'changedOnDisk', mtimeMs: 0 });
      else useUi.getState().toast('error', msg);
    } finally {
      saving = null;
    }
  })();
  await saving;
}
