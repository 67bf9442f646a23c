// Autosave and the crash journal, which follow the document version.
import { host } from '../host.ts';
import { useNotebook } from '../stores/notebook.ts';
import { useUi } from '../stores/ui.ts';
import { save } from './files.ts';

const AUTOSAVE_MS = 1500;
const JOURNAL_MS = 400;

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
