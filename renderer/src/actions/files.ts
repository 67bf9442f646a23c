// File commands (new, open, save, save as) plus autosave and the crash journal that follow the document version.
import { host } from '../host.ts';
import { useNotebook } from '../stores/notebook.ts';
import { useUi } from '../stores/ui.ts';

const AUTOSAVE_MS = 1500;
const JOURNAL_MS = 400;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function newNotebook(): Promise<void> {
  const doc = await host().notebook.create({});
  useNotebook.getState().load(doc, null, null);
  await host().notebook.watch({ path: null });
}

export async function openNotebook(path: string): Promise<boolean> {
  try {
    const opened = await host().notebook.open({ path });
    useNotebook.getState().load(opened.doc, opened.path, opened.mtimeMs);
    await host().notebook.watch({ path: opened.path });
    document.title = `${opened.path.split(/[\\/]/).pop() ?? 'Notebook'} — Guided Data Science`;
    if (opened.recovered) useUi.getState().setDialog({ kind: 'recovered', doc: opened.recovered.doc, savedAt: opened.recovered.savedAt });
    return true;
  } catch (e) {
    useUi.getState().toast('error', errorText(e));
    return false;
  }
}

let saving: Promise<void> | null = null;

export async function save(opts: { path?: string; force?: boolean } = {}): Promise<void> {
  while (saving) await saving;
  const st = useNotebook.getState();
  const path = opts.path ?? st.path;
  if (!st.doc) return;
  if (!path) return useUi.getState().setDialog({ kind: 'saveAs' });
  const version = st.version;
  saving = (async () => {
    try {
      const res = await host().notebook.save({ path, doc: st.doc!, expectedMtimeMs: opts.path && opts.path !== st.path ? null : st.mtimeMs, force: opts.force });
      useNotebook.getState().markSaved(res.path, res.mtimeMs, version);
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

/** Follows the document version: journal after a short pause (bounded loss on a crash), autosave after a longer one. */
export function startAutosave(): () => void {
  let journalTimer: ReturnType<typeof setTimeout> | undefined;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const unsub = useNotebook.subscribe((s, prev) => {
    if (s.version === prev.version || !s.dirty || !s.doc) return;
    clearTimeout(journalTimer);
    clearTimeout(saveTimer);
    journalTimer = setTimeout(() => {
      const cur = useNotebook.getState();
      if (cur.doc && cur.dirty) void host().notebook.journal({ key: cur.path ?? cur.untitledKey, doc: cur.doc }).catch(() => undefined);
    }, JOURNAL_MS);
    saveTimer = setTimeout(() => {
      const cur = useNotebook.getState();
      if (cur.dirty && cur.path && useUi.getState().dialog?.kind !== 'changedOnDisk') void save();
    }, AUTOSAVE_MS);
  });
  const beforeUnload = () => {
    const cur = useNotebook.getState();
    if (cur.dirty && cur.doc) void host().notebook.journal({ key: cur.path ?? cur.untitledKey, doc: cur.doc });
  };
  window.addEventListener('beforeunload', beforeUnload);
  return () => {
    unsub();
    window.removeEventListener('beforeunload', beforeUnload);
  };
}
