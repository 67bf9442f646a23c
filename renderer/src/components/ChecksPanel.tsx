// Sidebar panel: the workflow checks' findings for the active notebook (issue #24), in notebook order. A click jumps to
// the line; "Why?" explains the finding and how to fix it; "Ignore" hides it for good (kept in the notebook's metadata).
import { useMemo } from 'react';
import type { Cell, CheckFinding } from '../../../preload/contract.ts';
import { ignoreFinding, restoreFinding } from '../actions/checks.ts';
import { revealLine } from '../monaco/check-markers.ts';
import { ignoredFindings, useChecks, visibleFindings } from '../stores/checks.ts';
import { useNotebook } from '../stores/notebook.ts';
import './checks.css';

const NO_CELLS: Cell[] = [];

/** `code` spans of a message or explanation as <code>; the rest as text. */
function Rich({ text }: { text: string }) {
  return <>{text.split('`').map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part))}</>;
}

function jump(cells: readonly Cell[], cellId: string, line: number): void {
  const index = cells.findIndex((c) => c.id === cellId);
  if (index < 0) return;
  useNotebook.getState().select(index);
  revealLine(cellId, line);
}

function Finding({ f, cells, cellNumber }: { f: CheckFinding; cells: readonly Cell[]; cellNumber: number }) {
  // The run number is what the editor shows beside a cell that ran.
  const count = cells[cellNumber - 1]?.execution_count;
  const where = `Cell ${cellNumber}${count != null ? ` (In [${count}])` : ''}, line ${f.startLine}`;
  return (
    <li className={`check-finding sev-${f.severity}`} data-testid="check-finding" data-rule={f.ruleId} data-cell-id={f.cellId} data-line={f.startLine}>
      <button className="check-go" title={`Go to ${where}`} onClick={() => jump(cells, f.cellId, f.startLine)}>
        <span className="check-where">{where}</span>
        <span className="check-message"><Rich text={f.message} /></span>
      </button>
      <details className="check-why">
        <summary>Why, and how to fix it</summary>
        <p><Rich text={f.explanation} /></p>
        {f.related.length > 0 && (
          <ul className="check-related">
            {f.related.map((r, i) => (
              <li key={i}>
                <button className="link" onClick={() => jump(cells, r.cellId, r.line)}>
                  Cell {cells.findIndex((c) => c.id === r.cellId) + 1}, line {r.line}
                </button>{' '}
                <span className="muted">{r.note}</span>
              </li>
            ))}
          </ul>
        )}
        <p className="muted check-rule">Rule <code>{f.ruleId}</code></p>
      </details>
      <button className="check-ignore" data-testid="check-ignore" title="Hide this finding; saved with the notebook" onClick={() => ignoreFinding(f.key)}>
        Ignore
      </button>
    </li>
  );
}

export function ChecksPanel() {
  const cells = useNotebook((s) => s.doc?.cells ?? NO_CELLS);
  const findings = useChecks((s) => s.findings);
  const ignored = useChecks((s) => s.ignored);
  const error = useChecks((s) => s.error);
  const visible = useMemo(() => visibleFindings({ findings, ignored }), [findings, ignored]);
  const hidden = useMemo(() => ignoredFindings({ findings, ignored }), [findings, ignored]);
  const number = useMemo(() => new Map(cells.map((c, i) => [c.id, i + 1])), [cells]);
  return (
    <div className="checks" data-testid="checks-panel">
      <h3>Checks <span className="muted" data-testid="checks-count">{visible.length}</span></h3>
      {error && <p className="error-text">{error}</p>}
      {visible.length === 0 && !error && <p className="muted">No findings: no leakage, evaluation or kernel-state problems seen.</p>}
      <ul className="check-list">
        {visible.map((f) => <Finding key={`${f.key}@${f.cellId}:${f.startLine}`} f={f} cells={cells} cellNumber={number.get(f.cellId) ?? 0} />)}
      </ul>
      {hidden.length > 0 && (
        <details className="checks-ignored" data-testid="checks-ignored">
          <summary>Ignored ({hidden.length})</summary>
          <ul>
            {hidden.map((f) => (
              <li key={`${f.key}@${f.cellId}:${f.startLine}`}>
                <span className="muted">Cell {number.get(f.cellId) ?? 0}:</span> <Rich text={f.message} />{' '}
                <button className="link" onClick={() => restoreFinding(f.key)}>Restore</button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
