// Modal choices: open/save-as paths, crash recovery, file changed on disk, kernel died, keyboard shortcuts.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { COMMANDS, EDIT_MODE_KEYS } from '../actions/commands.ts';
import { restartKernel } from '../actions/execute.ts';
import { openNotebook, save } from '../actions/files.ts';
import { host } from '../host.ts';
import { useKernel } from '../stores/kernel.ts';
import { useNotebook } from '../stores/notebook.ts';
import { useUi, type Dialog } from '../stores/ui.ts';
import { focusNotebook } from './focus.ts';

const close = () => useUi.getState().setDialog(null);

/** The element that last had focus outside any dialog: where the keys go back to when a dialog closes. */
let focusBeforeDialog: HTMLElement | null = null;
const noteFocus = (e: FocusEvent) => {
  const t = e.target;
  if (t instanceof HTMLElement && !t.closest('.modal')) focusBeforeDialog = t;
};

function Modal({ title, children, testid }: { title: string; children: React.ReactNode; testid: string }) {
  const box = useRef<HTMLDivElement>(null);
  // A layout effect, so that it runs after the fields' autoFocus.
  useLayoutEffect(() => {
    // Keys go to the dialog, not to the cell behind it; when it closes they go back where they were.
    const before = focusBeforeDialog;
    if (!box.current?.contains(document.activeElement)) box.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      close();
    };
    // Capture: Esc closes the dialog before anything behind it (an editor, command mode) sees the key.
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      if (before?.isConnected && before !== document.body) before.focus({ preventScroll: true });
      else if (useNotebook.getState().mode === 'command') focusNotebook();
    };
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={title} data-testid={testid} tabIndex={-1} ref={box}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** Save as starts from the open file's path; for a file that must not be written over, from a copy's name beside it. */
function saveAsStart(): string {
  const { path, readOnly, conversion } = useNotebook.getState();
  if (!path) return '';
  return readOnly || conversion ? path.replace(/(\.ipynb)?$/i, '-copy.ipynb') : path;
}

function PathDialog({ mode }: { mode: 'open' | 'saveAs' }) {
  const [path, setPath] = useState(mode === 'saveAs' ? saveAsStart() : '');
  const [recent, setRecent] = useState<string[]>([]);
  useEffect(() => {
    if (mode === 'open')
      void host()
        .notebook.recent({})
        .then(setRecent)
        .catch(() => undefined);
  }, [mode]);
  const go = async (p: string) => {
    if (!p.trim()) return;
    close();
    if (mode === 'open') await openNotebook(p.trim());
    else await save({ path: p.trim().endsWith('.ipynb') ? p.trim() : `${p.trim()}.ipynb` });
  };
  return (
    <Modal title={mode === 'open' ? 'Open notebook' : 'Save notebook as'} testid={`dialog-${mode}`}>
      <input
        data-testid="path-input"
        autoFocus
        className="wide"
        placeholder="/path/to/notebook.ipynb"
        value={path}
        onChange={(e) => setPath(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && void go(path)}
      />
      {recent.length > 0 && (
        <ul className="recent">
          {recent.map((r) => (
            <li key={r}>
              <button className="link" onClick={() => void go(r)}>
                {r}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button onClick={close}>Cancel</button>
        <button className="primary" data-testid="path-ok" onClick={() => void go(path)}>
          {mode === 'open' ? 'Open' : 'Save'}
        </button>
      </div>
    </Modal>
  );
}

function AttachDialog() {
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const go = async (target: string | null) => {
    setError(null);
    try {
      const res = await host().kernel.attach({ url: target });
      useKernel.getState().set({ kernelId: null, status: 'none', server: res.server === 'attached' ? res.baseUrl : null });
      const specs = await host().kernel.specs({});
      useKernel.getState().set({ specs: specs.specs });
      useUi.getState().toast('info', res.server === 'attached' ? `Attached to ${res.baseUrl}` : "Using the app's own Jupyter server");
      close();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Modal title="Jupyter server" testid="dialog-attach">
      <p>
        Attach to a running Jupyter server (the URL it printed, with its token), or go back to the app's own server. Running kernels are shut down.
      </p>
      <input
        data-testid="attach-url"
        autoFocus
        className="wide"
        placeholder="http://127.0.0.1:8888/?token=…"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && void go(url.trim())}
      />
      {error && (
        <p className="error-text" data-testid="attach-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button onClick={() => void go(null)}>Use the app's own server</button>
        <button onClick={close}>Cancel</button>
        <button className="primary" data-testid="attach-ok" onClick={() => void go(url.trim())}>
          Attach
        </button>
      </div>
    </Modal>
  );
}

function Body({ dialog }: { dialog: NonNullable<Dialog> }) {
  const nb = useNotebook.getState();
  switch (dialog.kind) {
    case 'open':
    case 'saveAs':
      return <PathDialog mode={dialog.kind} />;
    case 'recovered':
      return (
        <Modal title="Recover unsaved changes?" testid="dialog-recovered">
          <p>GDS found edits from {new Date(dialog.savedAt).toLocaleString()} that were never saved to this file (the app closed unexpectedly).</p>
          <div className="actions">
            <button
              data-testid="discard-recovery"
              onClick={() => {
                void host().notebook.discardRecovery({ key: nb.path ?? nb.untitledKey });
                close();
              }}
            >
              Keep the file on disk
            </button>
            <button
              className="primary"
              data-testid="restore-recovery"
              onClick={() => {
                useNotebook.getState().load(dialog.doc, nb.path, nb.mtimeMs, true);
                close();
              }}
            >
              Restore my edits
            </button>
          </div>
        </Modal>
      );
    case 'changedOnDisk':
      return (
        <Modal title="The file changed on disk" testid="dialog-changed">
          <p>Another program changed {nb.path}. Autosave is paused until you choose.</p>
          <div className="actions">
            <button
              onClick={() => {
                close();
                if (nb.path) void openNotebook(nb.path, { reload: true });
              }}
            >
              Load the version on disk
            </button>
            <button
              className="primary"
              onClick={() => {
                close();
                void save({ force: true });
              }}
            >
              Keep my version (overwrite)
            </button>
          </div>
        </Modal>
      );
    case 'kernelDied':
      return (
        <Modal title="The kernel died" testid="dialog-kernel-died">
          <p>The kernel stopped unexpectedly (out of memory, a crash, or the server went away). Outputs that arrived are kept.</p>
          <div className="actions">
            <button onClick={close}>Not now</button>
            <button
              className="primary"
              data-testid="restart-kernel"
              onClick={() => {
                close();
                void restartKernel(false);
              }}
            >
              Restart kernel
            </button>
          </div>
        </Modal>
      );
    case 'attach':
      return <AttachDialog />;
    case 'readOnly':
      return (
        <Modal title="Opened read-only" testid="dialog-read-only">
          <p data-testid="read-only-reason">{dialog.reason}</p>
          <div className="actions">
            <button onClick={close}>Keep reading</button>
            <button className="primary" data-testid="read-only-save-as" onClick={() => useUi.getState().setDialog({ kind: 'saveAs' })}>
              Save a copy as…
            </button>
          </div>
        </Modal>
      );
    case 'convert': {
      const name = nb.path?.split(/[\\/]/).pop() ?? 'This notebook';
      const decline = () => {
        useNotebook.getState().setFileState({
          readOnly:
            `${name} stays in notebook format ${dialog.from}: you chose not to convert it, so nothing will be written to it. Use Save as… to keep your ` +
            `edits in a new file.`,
        });
        close();
      };
      return (
        <Modal title="Convert this notebook to format 4?" testid="dialog-convert">
          <p>
            {name} is in the old notebook format {dialog.from}. Saving converts it to format 4 the way Jupyter does: heading cells become markdown,
            worksheets become one list of cells (worksheet metadata is dropped), and very old tools may no longer open it.
          </p>
          <p>
            Before it is converted, the original file is copied to <code data-testid="convert-backup">{dialog.backupPath}</code>.
          </p>
          <div className="actions">
            <button data-testid="convert-decline" onClick={decline}>
              Keep it read-only
            </button>
            <button onClick={() => useUi.getState().setDialog({ kind: 'saveAs' })}>Save as a new file…</button>
            <button
              className="primary"
              data-testid="convert-ok"
              onClick={() => {
                close();
                void save({ convert: true });
              }}
            >
              Convert and save
            </button>
          </div>
        </Modal>
      );
    }
    case 'shortcuts':
      return (
        <Modal title="Keyboard shortcuts" testid="dialog-shortcuts">
          <h3>
            Command mode <span className="muted">(Esc; blue bar)</span>
          </h3>
          <table className="shortcuts" data-testid="shortcuts-command">
            <tbody>
              {Object.values(COMMANDS)
                .filter((c) => c.keys)
                .map((c) => (
                  <tr key={c.label}>
                    <td>
                      <kbd>{c.keys}</kbd>
                    </td>
                    <td>{c.label}</td>
                  </tr>
                ))}
            </tbody>
          </table>
          <h3>
            Edit mode <span className="muted">(Enter or click in a cell; green bar)</span>
          </h3>
          <table className="shortcuts" data-testid="shortcuts-edit">
            <tbody>
              {EDIT_MODE_KEYS.map((k) => (
                <tr key={k.keys}>
                  <td>
                    <kbd>{k.keys}</kbd>
                  </td>
                  <td>{k.label}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Ctrl+O and Ctrl+Shift+S work in both modes. Esc closes any dialog.</p>
          <div className="actions">
            <button onClick={close}>Close</button>
          </div>
        </Modal>
      );
  }
}

export function Dialogs() {
  const dialog = useUi((s) => s.dialog);
  useEffect(() => {
    document.addEventListener('focusin', noteFocus, true);
    return () => document.removeEventListener('focusin', noteFocus, true);
  }, []);
  return dialog ? <Body dialog={dialog} /> : null;
}
