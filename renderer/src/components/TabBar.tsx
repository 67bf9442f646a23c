// One tab per open notebook: its name, unsaved and kernel state, close; "+" makes a new notebook. Closing a tab
// never drops work without asking and asks whether its kernel should keep running.
import { useEffect, useState } from 'react';
import { newNotebook, save, showTitle } from '../actions/files.ts';
import { host } from '../host.ts';
import { useStore } from 'zustand';
import { activateTab, removeTab, useTabs, type Tab } from '../stores/tabs.ts';
import { useUi } from '../stores/ui.ts';
import './tabs.css';

const nameOf = (path: string | null) => (path ? (path.split(/[\\/]/).pop() ?? path) : 'Untitled');

function TabButton({ tab, active, onClose }: { tab: Tab; active: boolean; onClose: () => void }) {
  const path = useStore(tab.notebook, (s) => s.path);
  const dirty = useStore(tab.notebook, (s) => s.dirty);
  const status = useStore(tab.kernel, (s) => s.status);
  const busy = useStore(tab.notebook, (s) => Object.values(s.runtime).some((r) => r.state === 'running' || r.state === 'queued'));
  return (
    <div
      className={`tab${active ? ' on' : ''}`}
      role="tab"
      aria-selected={active}
      data-testid="tab"
      data-path={path ?? ''}
      title={path ?? 'Untitled (not saved yet)'}
    >
      <button className="tab-name" onClick={() => activateTab(tab.id)} onAuxClick={(e) => e.button === 1 && onClose()}>
        <span className={`kernel-dot ${busy ? 'busy' : status}`} aria-label={`kernel ${status}`} />
        {nameOf(path)}
        {dirty && (
          <span className="unsaved" aria-label="unsaved changes" data-testid="tab-unsaved">
            ●
          </span>
        )}
      </button>
      <button className="tab-close" aria-label={`Close ${nameOf(path)}`} data-testid="tab-close" onClick={onClose}>
        ×
      </button>
    </div>
  );
}

interface Closing {
  tab: Tab;
  unsaved: boolean;
  kernel: boolean;
}

/** What closing a tab would lose; a file with edits is saved first (it may fail: then it counts as unsaved). */
async function prepareClose(tab: Tab): Promise<Closing> {
  const nb = tab.notebook.getState();
  if (nb.dirty && nb.path && !nb.readOnly && !nb.conversion) await save({}, tab);
  const after = tab.notebook.getState();
  const unsaved = after.dirty && (!!after.path || !!after.doc?.cells.some((c) => c.source.trim() !== ''));
  const k = tab.kernel.getState();
  return { tab, unsaved, kernel: !!k.kernelId && k.status !== 'dead' };
}

async function finishClose(c: Closing, shutdown: boolean): Promise<void> {
  const { kernelId } = c.tab.kernel.getState();
  if (shutdown && kernelId)
    await host()
      .kernel.shutdown({ kernelId })
      .catch((e: Error) => useUi.getState().toast('error', e.message));
  if (useTabs.getState().tabs.length === 1) await newNotebook(); // the workbench always shows a notebook
  removeTab(c.tab.id);
}

export function TabBar() {
  const tabs = useTabs((s) => s.tabs);
  const active = useTabs((s) => s.active);
  const [closing, setClosing] = useState<Closing | null>(null);
  const activeTab = tabs.find((t) => t.id === active);
  const activePath = useStore(activeTab!.notebook, (s) => s.path);
  const activeReadOnly = useStore(activeTab!.notebook, (s) => !!s.readOnly);

  // The host watches the file in front for changes by other programs; the title names it.
  useEffect(() => {
    showTitle(activePath, activeReadOnly);
    void host()
      .notebook.watch({ path: activePath })
      .catch(() => undefined);
  }, [activePath, activeReadOnly]);

  const close = async (tab: Tab) => {
    const c = await prepareClose(tab);
    if (!c.unsaved && !c.kernel) return finishClose(c, false);
    setClosing(c);
  };

  return (
    <div className="tab-bar" role="tablist" data-testid="tab-bar">
      {tabs.map((t) => (
        <TabButton key={t.id} tab={t} active={t.id === active} onClose={() => void close(t)} />
      ))}
      <button className="tab-new" aria-label="New notebook" data-testid="tab-new" onClick={() => void newNotebook()}>
        +
      </button>
      {closing && (
        <div
          className="modal-backdrop"
          onMouseDown={(e) => e.target === e.currentTarget && setClosing(null)}
          onKeyDown={(e) => e.key === 'Escape' && setClosing(null)}
        >
          <div className="modal" role="dialog" aria-label="Close notebook" data-testid="close-tab-dialog">
            <h2>Close {nameOf(closing.tab.notebook.getState().path)}?</h2>
            {closing.unsaved && <p>It has changes that are not saved; closing discards them.</p>}
            {closing.kernel && (
              <p>Its kernel is running. Shut it down (its variables are lost), or keep it running so that reopening the notebook finds them again.</p>
            )}
            <div className="actions">
              <button autoFocus onClick={() => setClosing(null)}>
                Cancel
              </button>
              {closing.kernel && (
                <button
                  data-testid="close-keep-kernel"
                  onClick={() => {
                    setClosing(null);
                    void finishClose(closing, false);
                  }}
                >
                  {closing.unsaved ? 'Discard, keep kernel' : 'Keep kernel running'}
                </button>
              )}
              <button
                className="primary"
                data-testid="close-confirm"
                onClick={() => {
                  setClosing(null);
                  void finishClose(closing, true);
                }}
              >
                {closing.unsaved && closing.kernel ? 'Discard and shut down' : closing.unsaved ? 'Discard' : 'Shut down kernel'}
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
