// What the file browser does: list folders, make, rename, duplicate, delete (with undo) and upload files, open
// notebooks. Every call goes to the host, which keeps all of it inside the workspace; this side only shows results.
import { openNotebook } from '../actions/files.ts';
import { host } from '../host.ts';
import { emitFileChange, useFiles } from '../stores/files.ts';
import { useUi } from '../stores/ui.ts';

/** The host's limit for a dropped file (the contract's `files.upload`). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** The host lists at most this many entries of a folder (main/services/workspace-files.ts). */
export const MAX_LIST_ENTRIES = 5000;

const st = () => useFiles.getState();

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function fail(e: unknown): void {
  useUi.getState().toast('error', message(e));
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

export async function listFolder(dir: string): Promise<void> {
  st().setListing(dir, { loading: true });
  try {
    const entries = await host().files.list({ dir });
    st().setListing(dir, { entries, error: null, loading: false });
  } catch (e) {
    st().setListing(dir, { error: message(e), loading: false });
  }
}

/** The workspace folders, open, and every folder open in the tree listed again. */
export async function refreshAll(): Promise<void> {
  try {
    const roots = await host().files.roots({});
    const expanded = { ...st().expanded };
    for (const r of roots) if (!(r in expanded)) expanded[r] = true;
    st().set({ roots, rootsError: null, expanded });
  } catch (e) {
    st().set({ rootsError: message(e) });
    return;
  }
  const { expanded, listings, roots } = st();
  // Folders no longer shown (their parent was closed or they are gone) are dropped once a listing says so.
  const open = Object.keys(expanded).filter((d) => expanded[d] && (roots?.includes(d) || d in listings));
  await Promise.all([...open.map(listFolder), loadRecent()]);
}

export async function loadRecent(): Promise<void> {
  try {
    st().set({ recent: await host().notebook.recent({}) });
  } catch {
    // Recent files are a convenience: the browser works without them.
  }
}

export function toggleFolder(dir: string): void {
  const open = !st().expanded[dir];
  st().set({ expanded: { ...st().expanded, [dir]: open }, selected: dir });
  if (open && !st().listings[dir]?.entries) void listFolder(dir);
}

export async function open(path: string): Promise<void> {
  st().set({ selected: path });
  await openNotebook(path);
  void loadRecent();
}

export async function createNotebook(dir: string): Promise<void> {
  try {
    const { path } = await host().files.newNotebook({ dir });
    st().set({ expanded: { ...st().expanded, [dir]: true }, selected: path });
    await listFolder(dir);
    emitFileChange({ kind: 'created', path });
    await open(path);
  } catch (e) {
    fail(e);
  }
}

/** Renames `path` (in `dir`) to `name` in the same folder; an unchanged or empty name just ends the edit. */
export async function rename(path: string, dir: string, name: string): Promise<void> {
  st().set({ renaming: null });
  const to = name.trim();
  if (!to || to === baseName(path)) return;
  try {
    const res = await host().files.rename({ from: path, to });
    st().set({ selected: res.path });
    await listFolder(dir);
    emitFileChange({ kind: 'renamed', from: path, to: res.path });
  } catch (e) {
    fail(e);
  }
}

export async function duplicate(path: string, dir: string): Promise<void> {
  try {
    const res = await host().files.duplicate({ path });
    st().set({ selected: res.path });
    await listFolder(dir);
    emitFileChange({ kind: 'created', path: res.path });
  } catch (e) {
    fail(e);
  }
}

export async function trash(path: string, dir: string): Promise<void> {
  try {
    const { trashId } = await host().files.trash({ path });
    st().set({ trashed: { trashId, name: baseName(path), path }, selected: null });
    await listFolder(dir);
    emitFileChange({ kind: 'trashed', path });
  } catch (e) {
    fail(e);
  }
}

export async function undoTrash(): Promise<void> {
  const t = st().trashed;
  if (!t) return;
  try {
    const res = await host().files.restore({ trashId: t.trashId });
    st().set({ trashed: null, selected: res.path });
    if (res.path !== t.path) useUi.getState().toast('info', `${t.name} was restored as ${baseName(res.path)}: its old name is taken now.`);
    await refreshAll();
    emitFileChange({ kind: 'restored', path: res.path });
  } catch (e) {
    st().set({ trashed: null });
    fail(e);
  }
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(new Error(`${file.name} could not be read`));
    reader.readAsDataURL(file);
  });
}

/** Files dropped from the desktop, written into `dir` one after the other (each under a free name). */
export async function upload(dir: string, files: File[]): Promise<void> {
  const written: string[] = [];
  for (const file of files) {
    if (file.size > MAX_UPLOAD_BYTES) {
      useUi
        .getState()
        .toast(
          'error',
          `${file.name} is ${(file.size / 1024 / 1024).toFixed(0)} MB; files over 50 MB cannot be dropped here. Copy it into the workspace folder instead.`,
        );
      continue;
    }
    try {
      const { path } = await host().files.upload({ dir, name: file.name, base64: await readBase64(file) });
      written.push(path);
      emitFileChange({ kind: 'created', path });
    } catch (e) {
      fail(e);
    }
  }
  if (!written.length) return;
  st().set({ expanded: { ...st().expanded, [dir]: true }, selected: written[written.length - 1] ?? null });
  await listFolder(dir);
  useUi.getState().toast('info', written.length === 1 ? `Added ${baseName(written[0]!)}` : `Added ${written.length} files`);
}

/** The folder new things go into: the selected folder, the folder of the selected entry, else the first root. */
export function targetFolder(): string | null {
  const { selected, roots, listings } = st();
  if (selected) {
    if (roots?.includes(selected)) return selected;
    for (const [dir, l] of Object.entries(listings)) {
      const hit = l.entries?.find((e) => e.path === selected);
      if (hit) return hit.kind === 'dir' ? hit.path : dir;
    }
  }
  return roots?.[0] ?? null;
}
