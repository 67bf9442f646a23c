// Next-line suggestions under the active cell: click (or Tab in the editor) to accept, Esc to dismiss.
import { dismissSuggestions } from '../actions/ml.ts';
import { useMl } from '../stores/ml.ts';
import { acceptSuggestion } from './editor-bridge.ts';

export function SuggestionChips({ cellId }: { cellId: string }) {
  const items = useMl((s) => (s.suggestions?.cellId === cellId ? s.suggestions.items : null));
  if (!items?.length) return null;
  return (
    <div className="chips" data-testid="suggestions">
      <span className="muted">Next:</span>
      {items.map((s, i) => (
        <button key={s.text} className="chip" data-testid="suggestion-chip" title={`score ${s.score.toFixed(3)}${i === 0 ? ' — Tab to accept' : ''}`}
          onMouseDown={(e) => e.preventDefault()} onClick={() => acceptSuggestion(cellId, s.text)}>
          <code>{s.text}</code>
        </button>
      ))}
      <button className="chip dismiss" title="Dismiss (Esc)" onClick={dismissSuggestions}>×</button>
    </div>
  );
}
