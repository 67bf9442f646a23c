// The workspace file browser: a tree of the workspace folders; open a notebook with a click; new notebook, rename
// (inline), duplicate and delete (to the app's trash, with Undo) from the toolbar, the row's ⋯ menu, a right click or
// the keys F2 and Delete; drop files from the desktop to add them; recent notebooks below.
import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent, type MouseEvent } from 'react';
import type { FileEntry } from '../../../preload/contract.ts';
import { useFiles } from '../stores/files.ts';
import {
  baseName,
  createNotebook,
  duplicate,
  MAX_LIST_ENTRIES,
  open,
  refreshAll,
  rename,
  targetFolder,
  toggleFolder,
  trash,
  undoTrash,
  upload,
} from './file-browser-actions.ts';
import './file-browser.css';

/** A row's entry and the folder it is listed in (roots have none). */
interface Target {
  entry: FileEntry;
  dir: string | null;
}
interface Menu extends Target {
  x: number;
  y: number;
}

function rootEntry(path: string): FileEntry {
  return { name: baseName(path), path, kind: 'dir', size: 0, mtimeMs: 0 };
}

function describe(e: FileEntry): string {
  if (e.kind === 'dir' || !e.mtimeMs) return e.path;
  const size = e.size < 1024 ? `${e.size} B` : e.size < 1024 * 1024 ? `${(e.size / 1024).toFixed(1)} KB` : `${(e.size / 1024 / 1024).toFixed(1)} MB`;
  return `${e.path}\n${size} · modified ${new Date(e.mtimeMs).toLocaleString()}`;
}

function RenameInput({ entry, dir }: { entry: FileEntry; dir: string }) {
  const [value, setValue] = useState(entry.name);
  const done = useRef(false);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    // The name without its extension is selected, so typing keeps `.ipynb`.
    const dot = entry.kind === 'dir' ? -1 : entry.name.lastIndexOf('.');
    el.setSelectionRange(0, dot > 0 ? dot : entry.name.length);
  }, [entry]);
  const finish = (commit: boolean) => {
    if (done.current) return;
    done.current = true;
    if (commit) void rename(entry.path, dir, value);
    else useFiles.getState().set({ renaming: null });
  };
  return (
    <input
      ref={ref}
      className="fb-rename"
      data-testid="file-rename-input"
      aria-label={`New name for ${entry.name}`}
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onBlur={() => finish(true)}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') finish(true);
        else if (e.key === 'Escape') finish(false);
      }}
    />
  );
}

function Row({ target, depth, onMenu }: { target: Target; depth: number; onMenu: (m: Menu) => void }) {
  const { entry, dir } = target;
  const selected = useFiles((s) => s.selected === entry.path);
  const renaming = useFiles((s) => s.renaming === entry.path);
  const expanded = useFiles((s) => !!s.expanded[entry.path]);
  const dropping = useFiles((s) => entry.kind === 'dir' && s.dropTarget === entry.path);
  const activate = () => {
    if (entry.kind === 'dir') toggleFolder(entry.path);
    else if (entry.kind === 'notebook') void open(entry.path);
    else useFiles.getState().set({ selected: entry.path });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const rows = [...(e.currentTarget.closest('[role="tree"]')?.querySelectorAll<HTMLElement>('button.fb-name') ?? [])];
      rows[rows.indexOf(e.currentTarget as HTMLElement) + (e.key === 'ArrowDown' ? 1 : -1)]?.focus();
    } else if (e.key === 'ArrowRight' && entry.kind === 'dir' && !expanded) toggleFolder(entry.path);
    else if (e.key === 'ArrowLeft' && entry.kind === 'dir' && expanded) toggleFolder(entry.path);
    else if (e.key === 'F2' && dir) useFiles.getState().set({ renaming: entry.path });
    else if (e.key === 'Delete' && dir) void trash(entry.path, dir);
    else if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
      onMenu({ ...target, x: r.left + 24, y: r.bottom });
    } else return;
    e.preventDefault();
  };
  const icon = entry.kind === 'dir' ? (expanded ? '▾' : '▸') : entry.kind === 'notebook' ? '●' : '○';
  return (
    <div
      className={`fb-row${selected ? ' selected' : ''}${dropping ? ' drop' : ''}`}
      style={{ paddingLeft: 4 + depth * 14 }}
      data-testid={dir ? 'file-entry' : 'file-root'}
      data-path={entry.path}
      data-name={entry.name}
      data-kind={entry.kind}
      data-drop-dir={entry.kind === 'dir' ? entry.path : (dir ?? undefined)}
      onContextMenu={(e: MouseEvent) => {
        e.preventDefault();
        useFiles.getState().set({ selected: entry.path });
        onMenu({ ...target, x: e.clientX, y: e.clientY });
      }}
    >
      {renaming && dir ? (
        <>
          <span className={`fb-icon fb-kind-${entry.kind}`} aria-hidden>
            {icon}
          </span>
          <RenameInput entry={entry} dir={dir} />
        </>
      ) : (
        <button
          className="fb-name"
          role="treeitem"
          aria-expanded={entry.kind === 'dir' ? expanded : undefined}
          aria-selected={selected}
          title={describe(entry)}
          onClick={activate}
          onKeyDown={onKeyDown}
        >
          <span className={`fb-icon fb-kind-${entry.kind}`} aria-hidden>
            {icon}
          </span>
          <span className="fb-label">{entry.name}</span>
        </button>
      )}
      <button
        className="fb-more"
        data-testid="file-menu-button"
        aria-label={`Actions for ${entry.name}`}
        title="Actions"
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          useFiles.getState().set({ selected: entry.path });
          onMenu({ ...target, x: r.left, y: r.bottom });
        }}
      >
        ⋯
      </button>
    </div>
  );
}

function Folder({ target, depth, onMenu }: { target: Target; depth: number; onMenu: (m: Menu) => void }) {
  const path = target.entry.path;
  const expanded = useFiles((s) => !!s.expanded[path]);
  const listing = useFiles((s) => s.listings[path]);
  return (
    <>
      <Row target={target} depth={depth} onMenu={onMenu} />
      {expanded && (
        <div role="group" data-drop-dir={path}>
          {listing?.error && (
            <p className="error-text fb-note" style={{ paddingLeft: 18 + depth * 14 }} data-testid="files-error">
              {listing.error}
            </p>
          )}
          {!listing?.entries && listing?.loading && (
            <p className="muted fb-note" style={{ paddingLeft: 18 + depth * 14 }}>
              Loading…
            </p>
          )}
          {listing?.entries?.length === 0 && (
            <p className="muted fb-note" style={{ paddingLeft: 18 + depth * 14 }}>
              Empty folder
            </p>
          )}
          {listing?.entries?.map((e) =>
            e.kind === 'dir' ? (
              <Folder key={e.path} target={{ entry: e, dir: path }} depth={depth + 1} onMenu={onMenu} />
            ) : (
              <Row key={e.path} target={{ entry: e, dir: path }} depth={depth + 1} onMenu={onMenu} />
            ),
          )}
          {(listing?.entries?.length ?? 0) >= MAX_LIST_ENTRIES && (
            <p className="muted fb-note" style={{ paddingLeft: 18 + depth * 14 }} data-testid="files-capped">
              Only the first {MAX_LIST_ENTRIES.toLocaleString()} entries are shown.
            </p>
          )}
        </div>
      )}
    </>
  );
}

function ContextMenu({ menu, close }: { menu: Menu; close: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const away = (e: Event) => {
      if (!ref.current?.contains(e.target as Node)) close();
    };
    const esc = (e: globalThis.KeyboardEvent) => e.key === 'Escape' && close();
    document.addEventListener('mousedown', away, true);
    document.addEventListener('keydown', esc, true);
    window.addEventListener('blur', close);
    ref.current?.querySelector('button')?.focus();
    return () => {
      document.removeEventListener('mousedown', away, true);
      document.removeEventListener('keydown', esc, true);
      window.removeEventListener('blur', close);
    };
  }, [close]);
  const { entry, dir } = menu;
  const item = (id: string, label: string, run: () => void) => (
    <button
      role="menuitem"
      data-testid={`file-menu-${id}`}
      onClick={() => {
        close();
        run();
      }}
    >
      {label}
    </button>
  );
  // Kept inside the window when the click was near its right or bottom edge.
  const style = { left: Math.min(menu.x, window.innerWidth - 190), top: Math.min(menu.y, window.innerHeight - 180) };
  return (
    <div ref={ref} className="fb-menu" role="menu" style={style} data-testid="file-menu" onKeyDown={(e) => e.stopPropagation()}>
      {entry.kind === 'notebook' && item('open', 'Open', () => void open(entry.path))}
      {entry.kind === 'dir' && item('new', 'New notebook here', () => void createNotebook(entry.path))}
      {dir && item('rename', 'Rename…', () => useFiles.getState().set({ renaming: entry.path }))}
      {dir && entry.kind !== 'dir' && item('duplicate', 'Duplicate', () => void duplicate(entry.path, dir))}
      {dir && item('delete', 'Delete', () => void trash(entry.path, dir))}
      {!dir && item('refresh', 'Refresh', () => void refreshAll())}
    </div>
  );
}

function UndoBar() {
  const trashed = useFiles((s) => s.trashed);
  if (!trashed) return null;
  return (
    <div className="fb-undo" data-testid="files-undo-bar" role="status">
      <span className="fb-label">
        Moved <strong>{trashed.name}</strong> to the trash.
      </span>
      <button className="link" data-testid="files-undo" onClick={() => void undoTrash()}>
        Undo
      </button>
      <button className="link fb-dismiss" aria-label="Dismiss" onClick={() => useFiles.getState().set({ trashed: null })}>
        ×
      </button>
    </div>
  );
}

function Recent() {
  const recent = useFiles((s) => s.recent);
  if (!recent.length) return null;
  return (
    <div className="fb-recent" data-testid="files-recent">
      <h4>Recent</h4>
      {recent.slice(0, 10).map((p) => (
        <button key={p} className="fb-name" data-testid="recent-file" data-path={p} title={p} onClick={() => void open(p)}>
          <span className="fb-icon fb-kind-notebook" aria-hidden>
            ●
          </span>
          <span className="fb-label">{baseName(p)}</span>
        </button>
      ))}
    </div>
  );
}

/** The folder under a drag from the desktop: the folder row, or the folder the hovered file is in. */
function dropFolder(e: DragEvent): string | null {
  const el = (e.target as HTMLElement).closest<HTMLElement>('[data-drop-dir]');
  return el?.dataset.dropDir ?? targetFolder();
}

const hasFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');

export function FileBrowser() {
  const roots = useFiles((s) => s.roots);
  const rootsError = useFiles((s) => s.rootsError);
  const dropTarget = useFiles((s) => s.dropTarget);
  const [menu, setMenu] = useState<Menu | null>(null);
  const [closeMenu] = useState(() => () => setMenu(null));
  useEffect(() => {
    void refreshAll();
    // Files change behind the app's back (a kernel writes a CSV, a terminal moves things): coming back shows them.
    const onFocus = () => void refreshAll();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, []);
  const newHere = () => {
    const dir = targetFolder();
    if (dir) void createNotebook(dir);
  };
  return (
    <div
      className={`file-browser${dropTarget ? ' dragging' : ''}`}
      data-testid="file-browser"
      // The notebook's command-mode keys (A, B, D D…) must not act while the browser has the focus; Ctrl/⌘ keys still do.
      onKeyDown={(e) => !(e.ctrlKey || e.metaKey) && e.stopPropagation()}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        const dir = dropFolder(e);
        if (dir !== useFiles.getState().dropTarget) useFiles.getState().set({ dropTarget: dir });
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) useFiles.getState().set({ dropTarget: null });
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        const dir = dropFolder(e);
        useFiles.getState().set({ dropTarget: null });
        if (dir) void upload(dir, Array.from(e.dataTransfer.files));
      }}
    >
      <div className="fb-toolbar">
        <button
          className="primary"
          data-testid="files-new-notebook"
          title="New notebook in the selected folder"
          onClick={newHere}
          disabled={!roots?.length}
        >
          + Notebook
        </button>
        <button data-testid="files-refresh" title="Refresh" aria-label="Refresh" onClick={() => void refreshAll()}>
          ↻
        </button>
      </div>
      <UndoBar />
      {rootsError && (
        <p className="error-text" data-testid="files-error">
          {rootsError}
        </p>
      )}
      {roots?.length === 0 && <p className="muted">No workspace folder. Start GDS with --workspace DIR.</p>}
      <div className="fb-tree" role="tree" aria-label="Workspace files">
        {roots?.map((r) => (
          <Folder key={r} target={{ entry: rootEntry(r), dir: null }} depth={0} onMenu={setMenu} />
        ))}
      </div>
      <p className="muted fb-hint">{dropTarget ? `Drop to add to ${baseName(dropTarget)}` : 'Drop files here to add them to the workspace.'}</p>
      <Recent />
      {menu && <ContextMenu menu={menu} close={closeMenu} />}
    </div>
  );
}
