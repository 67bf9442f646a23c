// Next-line suggestions under the active cell: click (or Tab in the editor) to accept, Esc to dismiss; each says how often the corpus did it.
import type { Suggestion } from '../../../preload/contract.ts';
import { showExamples } from '../actions/corpus.ts';
import { dismissSuggestions } from '../actions/ml.ts';
import { currentSuggestions, useMl } from '../stores/ml.ts';
import { acceptSuggestion } from './editor-bridge.ts';

/** "41 % of 1,380 similar points in the corpus": the share of times the corpus did this after the same context. */
export function evidenceText(s: Suggestion): string | null {
  if (!s.evidence || s.evidence.total <= 0) return null;
  const share = Math.round((100 * s.evidence.count) / s.evidence.total);
  return `${share} % of ${s.evidence.total.toLocaleString('en-US')} similar points in the corpus`;
}

/** The call a corpus search by API finds: the key's first library call, else its first call. */
function exampleCall(key: string): string | null {
  const calls = key.split(' ').filter(Boolean);
  const lib = calls.find((c) => !c.startsWith('.') && c.includes('.') && !c.startsWith('import:'));
  const pick = lib ?? calls.find((c) => !c.startsWith('import:')) ?? calls[0]?.replace(/^import:/, '');
  return pick ? pick.replace(/^\./, '') : null;
}

export function SuggestionChips({ cellId }: { cellId: string }) {
  const shown = useMl((s) => (s.suggestions?.cellId === cellId ? s.suggestions : null));
  // Chips of an older request keep their place (no layout jump while typing) but are hidden and inert.
  const stale = useMl((s) => currentSuggestions(s) !== s.suggestions);
  const items = shown?.items;
  if (!items?.length) return null;
  const first = items[0];
  const evidence = first ? evidenceText(first) : null;
  const call = first?.key ? exampleCall(first.key) : null;
  return (
    <div
      className="chips"
      data-testid={stale ? 'suggestions-stale' : 'suggestions'}
      style={stale ? { visibility: 'hidden' } : undefined}
      aria-hidden={stale || undefined}
    >
      <span className="muted">Next:</span>
      {items.map((s, i) => (
        <button
          key={s.text}
          className="chip"
          data-testid={stale ? undefined : 'suggestion-chip'}
          disabled={stale}
          title={`${evidenceText(s) ?? `score ${s.score.toFixed(3)}`}${i === 0 ? ' — Tab to accept' : ''}`}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => acceptSuggestion(cellId, s.text, s.key)}
        >
          <code>{s.text}</code>
        </button>
      ))}
      <button className="chip dismiss" title="Dismiss (Esc)" onClick={() => dismissSuggestions(true)}>
        ×
      </button>
      {evidence && (
        <span className="muted evidence" data-testid={stale ? undefined : 'suggestion-evidence'}>
          {evidence}
          {call && (
            <>
              {' '}
              ·{' '}
              <a href="#" onClick={(e) => (e.preventDefault(), showExamples(call))}>
                examples
              </a>
            </>
          )}
        </span>
      )}
    </div>
  );
}
