// The notebook view: the list of cells; keyboard focus target for command mode.
import { useEffect, useState } from 'react';
import { useNotebook } from '../stores/notebook.ts';
import { CellItem } from './Cell.tsx';
import { focusIsStray, focusNotebook } from './focus.ts';
import './workbench.css';

// Rendering 2,000 cells in one go holds the main thread for seconds; the first screenful goes in at once and the
// rest follows in slices between frames, so a big notebook is readable and scrollable right away.
const FIRST_SLICE = 120;
const NEXT_SLICE = 150;

function useProgressiveCount(total: number, docKey: unknown, mustShow: number): number {
  const [state, setState] = useState({ key: docKey, shown: FIRST_SLICE });
  let shown = state.shown;
  if (state.key !== docKey) {
    // Another notebook: start over without first rendering it whole.
    shown = FIRST_SLICE;
    setState({ key: docKey, shown });
  }
  // The active cell (keyboard navigation, run-all) is always rendered.
  const want = mustShow >= shown ? mustShow + NEXT_SLICE : shown;
  useEffect(() => {
    if (want >= total) return;
    const id = setTimeout(() => setState((s) => ({ ...s, shown: Math.max(s.shown, want) + NEXT_SLICE })), 0);
    return () => clearTimeout(id);
  }, [want, total]);
  return Math.min(want, total);
}

export function Notebook() {
  const cells = useNotebook((s) => s.doc?.cells);
  const docKey = useNotebook((s) => s.path ?? s.untitledKey);
  const active = useNotebook((s) => s.active);
  const selected = useNotebook((s) => s.selected);
  const mode = useNotebook((s) => s.mode);
  const shown = useProgressiveCount(cells?.length ?? 0, docKey, active);
  const loaded = !!cells;
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
  if (!cells) return <div className="notebook empty" data-testid="notebook">Loading…</div>;
  const sel = new Set(selected);
  return (
    <div className="notebook" data-testid="notebook" tabIndex={-1} data-mode={mode} data-rendered={shown === cells.length ? 'all' : 'partial'}>
      {cells.slice(0, shown).map((c, i) => (
        <CellItem key={c.id} cell={c} index={i} active={i === active} selected={sel.has(c.id)} editMode={mode === 'edit'} />
      ))}
      {shown < cells.length && <div className="notebook-more muted">Loading {cells.length - shown} more cells…</div>}
      <button className="add-cell" onClick={() => useNotebook.getState().insert(cells.length)}>+ Code</button>
      <button className="add-cell" onClick={() => useNotebook.getState().insert(cells.length, 'markdown')}>+ Markdown</button>
    </div>
  );
}
