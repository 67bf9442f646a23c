// The notebook view: the list of cells; keyboard focus target for command mode.
import { useEffect } from 'react';
import type { Cell } from '../../../preload/contract.ts';
import { useFind } from '../actions/find.ts';
import { prerenderMarkdown } from '../outputs/markdown-cache.ts';
import { useNotebook } from '../stores/notebook.ts';
import { CellItem } from './Cell.tsx';
import { FindBar } from './FindBar.tsx';
import { focusIsStray, focusNotebook } from './focus.ts';
import { useNotebookWindow } from './notebook-window-hook.ts';
import './workbench.css';

const NO_CELLS: Cell[] = [];

export function Notebook() {
  const doc = useNotebook((s) => s.doc);
  const cells = doc?.cells ?? NO_CELLS;
  const docKey = useNotebook((s) => s.path ?? s.untitledKey);
  const active = useNotebook((s) => s.active);
  const selected = useNotebook((s) => s.selected);
  const mode = useNotebook((s) => s.mode);
  const findOpen = useFind((s) => s.open);
  // A big notebook mounts only the cells near the scroll position; the active cell is always mounted, wherever it
  // is, so keyboard navigation, Find and run-and-advance can reveal it.
  const win = useNotebookWindow(useNotebook.current(), cells, [active]);
  const loaded = !!doc;
  // A windowed notebook's markdown is rendered ahead, in idle moments, so that scrolling only mounts it.
  const windowed = win.ready && !win.all;
  useEffect(() => {
    if (!windowed) return undefined;
    const cs = useNotebook.getState().doc?.cells ?? [];
    return prerenderMarkdown(cs.flatMap((c) => (c.cell_type === 'markdown' && c.source.trim() ? [c.source] : [])));
  }, [windowed, docKey]);
  // Command mode keeps the keyboard on the notebook: after Esc, Shift+Enter or a click outside the editors, and
  // when a notebook opens. Focus that went somewhere on purpose (the sidebar, a dialog) is left alone.
  useEffect(() => {
    if (loaded && mode === 'command' && focusIsStray()) focusNotebook();
  }, [mode, docKey, loaded]);
  useEffect(() => {
    // A click in an output frame (another document) never reaches its cell; the frame taking the focus says where
    // it was. The cell is selected in command mode; the focus stays in the frame, so its text can be copied.
    const onBlur = () => setTimeout(() => {
      const f = document.activeElement;
      if (!(f instanceof HTMLIFrameElement)) return;
      const index = Number(f.closest<HTMLElement>('[data-testid="cell"]')?.dataset.cellIndex ?? -1);
      if (index < 0) return;
      const s = useNotebook.getState();
      s.select(index);
      s.setMode('command');
    }, 0);
    window.addEventListener('blur', onBlur);
    return () => window.removeEventListener('blur', onBlur);
  }, []);
  if (!doc) return <div className="notebook empty" data-testid="notebook">Loading…</div>;
  const sel = new Set(selected);
  return (
    <div className="notebook" data-testid="notebook" tabIndex={-1} data-mode={mode} data-total-cells={cells.length}
      data-rendered={win.all ? 'all' : 'window'} data-window-ready={win.ready ? 'true' : 'false'}>
      {findOpen && <FindBar />}
      <div className="notebook-window" ref={win.listRef}>
        {win.slots.map((s) => {
          if (s.kind === 'gap') return <div key={s.key} className="notebook-window-gap" style={{ height: s.height }} />;
          const c = cells[s.index]!;
          return (
            <div key={c.id} className="notebook-window-row" data-row-index={s.index} data-row-id={c.id} ref={win.measureRef}>
              <CellItem cell={c} index={s.index} active={s.index === active} selected={sel.has(c.id)} editMode={mode === 'edit'} />
            </div>
          );
        })}
      </div>
      <button className="add-cell" onClick={() => useNotebook.getState().insert(cells.length)}>+ Code</button>
      <button className="add-cell" onClick={() => useNotebook.getState().insert(cells.length, 'markdown')}>+ Markdown</button>
    </div>
  );
}
