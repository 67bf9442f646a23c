// The notebooks open in the workbench, remembered so that a reload (web) or a restart (Electron) reopens them, each
// joining its still-running kernel session. Web mode remembers per browser tab (sessionStorage survives a reload;
// two browser tabs are two workbenches); Electron has one window and remembers across restarts (localStorage).
import { z } from 'zod';
import { allTabs, activeTab, activateTab, tabOfPath, useTabs } from '../stores/tabs.ts';
import { openNotebook } from './files.ts';

const KEY = 'gds.openNotebooks';
const Saved = z.object({ paths: z.array(z.string()).max(100), active: z.string().nullable() });

function storage(mode: 'electron' | 'web'): Storage {
  return mode === 'electron' ? localStorage : sessionStorage;
}

/** Keeps the list of open notebook files up to date in storage. */
export function rememberOpenNotebooks(mode: 'electron' | 'web'): () => void {
  const write = () => {
    const paths = allTabs().flatMap((t) => t.notebook.getState().path ?? []);
    const active = activeTab().notebook.getState().path;
    try {
      storage(mode).setItem(KEY, JSON.stringify({ paths, active }));
    } catch {
      // Storage full or disabled: the workbench still works, it just will not come back after a reload.
    }
  };
  // Paths change inside tabs (open, save as), tabs come and go: follow both.
  let offs = allTabs().map((t) => t.notebook.subscribe((s, p) => s.path !== p.path && write()));
  const offTabs = useTabs.subscribe(() => {
    offs.forEach((off) => off());
    offs = allTabs().map((t) => t.notebook.subscribe((s, p) => s.path !== p.path && write()));
    write();
  });
  return () => {
    offTabs();
    offs.forEach((off) => off());
  };
}

/** Reopens the notebooks of the last session, the active one last in front; false when there were none. */
export async function restoreOpenNotebooks(mode: 'electron' | 'web'): Promise<boolean> {
  let saved: z.infer<typeof Saved> | null = null;
  try {
    const parsed = Saved.safeParse(JSON.parse(storage(mode).getItem(KEY) ?? 'null'));
    saved = parsed.success ? parsed.data : null;
  } catch {
    saved = null;
  }
  if (!saved?.paths.length) return false;
  let any = false;
  for (const path of saved.paths) any = (await openNotebook(path, { quiet: true })) || any;
  const active = saved.active ? tabOfPath(saved.active) : undefined;
  if (active) activateTab(active.id);
  return any;
}
