// File commands: new, open, save, save as (autosave and the crash journal live in autosave.ts).
import { host } from '../host.ts';
import { useNotebook } from '../stores/notebook.ts';
import { useUi } from '../stores/ui.ts';

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
