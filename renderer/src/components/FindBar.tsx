// The notebook's find bar (Ctrl+F in command mode): searches all cells' sources, "3 of 17", Enter / Shift+Enter to
// step, Esc to close. Each step selects the match's cell (mounting and revealing it) and the match in its editor.
import { useEffect, useMemo, useRef } from 'react';
import type { Cell } from '../../../preload/contract.ts';
import { closeFind, findMatches, MAX_MATCHES, selectMatchCell, setFindQuery, stepMatch, useFind, type Match } from '../actions/find.ts';
import { useNotebook } from '../stores/notebook.ts';
import { editorFor } from './editor-bridge.ts';
import { focusNotebook } from './focus.ts';

const NO_CELLS: Cell[] = [];
// An editor for a cell far from the last scroll position is made once the cell has been scrolled to.
const EDITOR_WAIT_FRAMES = 90;
let revealing = 0;

function revealMatch(m: Match): void {
  selectMatchCell(m);
  const token = ++revealing;
  let frames = EDITOR_WAIT_FRAMES;
  const step = () => {
    if (token !== revealing) return;
    const ed = editorFor(m.cellId);
    const model = ed?.getModel();
    if (!ed || !model) {
      if (--frames > 0) requestAnimationFrame(step);
      return;
    }
    const a = model.getPositionAt(m.start);
    const b = model.getPositionAt(m.end);
    const range = { startLineNumber: a.lineNumber, startColumn: a.column, endLineNumber: b.lineNumber, endColumn: b.column };
    ed.setSelection(range);
    ed.revealRangeInCenterIfOutsideViewport(range);
  };
  step();
}

export function FindBar() {
  const cells = useNotebook((s) => s.doc?.cells) ?? NO_CELLS;
  const query = useFind((s) => s.query);
  const current = useFind((s) => s.current);
  const focusRequest = useFind((s) => s.focusRequest);
  const matches = useMemo(() => findMatches(cells, query), [cells, query]);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [focusRequest]);

  const go = (index: number, list: readonly Match[]) => {
    const m = list[index];
    useFind.setState({ current: index });
    if (m) revealMatch(m);
  };
  const step = (dir: 1 | -1) => go(stepMatch(matches, current, dir, useNotebook.getState().active), matches);
  // As in a browser, the first match from the selected cell on is shown while typing.
  const onInput = (q: string) => {
    setFindQuery(q);
    const found = findMatches(useNotebook.getState().doc?.cells ?? NO_CELLS, q);
    if (found.length) go(stepMatch(found, -1, 1, useNotebook.getState().active), found);
  };
  const close = () => {
    closeFind();
    useNotebook.getState().setMode('command');
    focusNotebook();
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter') step(e.shiftKey ? -1 : 1);
    else if (e.key === 'Escape') close();
    else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') input.current?.select();
    else return;
    e.preventDefault();
  };
  const shown = current >= 0 && current < matches.length ? current + 1 : 0;
  const total = matches.length >= MAX_MATCHES ? `${MAX_MATCHES}+` : String(matches.length);
  const count = !query ? '' : !matches.length ? 'No results' : shown ? `${shown} of ${total}` : `${total} found`;
  // Buttons keep the focus in the field (mousedown default prevented), so Enter keeps stepping.
  const keep = (e: React.MouseEvent) => e.preventDefault();
  return (
    <div className="find-bar-anchor">
      <div className="find-bar" role="search" data-testid="find-bar">
        <input
          ref={input}
          data-testid="find-input"
          type="text"
          placeholder="Find in notebook"
          aria-label="Find in notebook"
          value={query}
          onChange={(e) => onInput(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <span className="find-count muted" data-testid="find-count" aria-live="polite">
          {count}
        </span>
        <button
          tabIndex={-1}
          title="Previous match (Shift+Enter)"
          aria-label="Previous match"
          onMouseDown={keep}
          onClick={() => step(-1)}
          disabled={!matches.length}
        >
          ↑
        </button>
        <button
          tabIndex={-1}
          title="Next match (Enter)"
          aria-label="Next match"
          onMouseDown={keep}
          onClick={() => step(1)}
          disabled={!matches.length}
        >
          ↓
        </button>
        <button tabIndex={-1} title="Close (Esc)" aria-label="Close find" onMouseDown={keep} onClick={close}>
          ×
        </button>
      </div>
    </div>
  );
}
