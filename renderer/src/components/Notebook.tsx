// The notebook view: the list of cells; keyboard focus target for command mode.
import { useNotebook } from '../stores/notebook.ts';
import { CellItem } from './Cell.tsx';

export function Notebook() {
  const cells = useNotebook((s) => s.doc?.cells);
  const active = useNotebook((s) => s.active);
  const selected = useNotebook((s) => s.selected);
  const mode = useNotebook((s) => s.mode);
  if (!cells) return <div className="notebook empty" data-testid="notebook">Loading…</div>;
  const sel = new Set(selected);
  return (
    <div className="notebook" data-testid="notebook" tabIndex={-1} data-mode={mode}>
      {cells.map((c, i) => (
        <CellItem key={c.id} cell={c} index={i} active={i === active} selected={sel.has(c.id)} editMode={mode === 'edit'} />
      ))}
      <button className="add-cell" onClick={() => useNotebook.getState().insert(cells.length)}>+ Code</button>
      <button className="add-cell" onClick={() => useNotebook.getState().insert(cells.length, 'markdown')}>+ Markdown</button>
    </div>
  );
}
