// Corpus browser: search code and markdown (or API use), filter, read a notebook, see its source, open a copy.
import { useState } from 'react';
import { STAGE_IDS, type CorpusNotebookView, type CorpusSourceInfo, type StageId } from '../../../preload/contract.ts';
import { searchCorpus } from '../actions/corpus.ts';
import { openNotebook } from '../actions/files.ts';
import { host } from '../host.ts';
import { useCorpus } from '../stores/corpus.ts';
import { useUi } from '../stores/ui.ts';
import { STAGE_LABEL } from './StageBadge.tsx';

/** Snippets mark matches with « »; they are shown as text, never as HTML. */
function Snippet({ text }: { text: string }) {
  return <code className="snippet">{text.split(/(«[^»]*»)/).map((p, i) => (p.startsWith('«') ? <mark key={i}>{p.slice(1, -1)}</mark> : p))}</code>;
}

export function CorpusViewer({ nb, onBack }: { nb: CorpusNotebookView; onBack: () => void }) {
  const [source, setSource] = useState<CorpusSourceInfo | null>(null);
  const showSource = async () => {
    const all = await host().corpus.sources({});
    setSource(all.find((s) => s.slug === nb.source) ?? null);
  };
  const openCopy = async () => {
    try {
      const { path } = await host().corpus.openCopy({ id: nb.id });
      if (await openNotebook(path)) useUi.getState().setCorpusView(null);
    } catch (e) {
      useUi.getState().toast('error', (e as Error).message);
    }
  };
  return (
    <div className="corpus-viewer" data-testid="corpus-viewer">
      <button className="link" onClick={onBack}>
        ← back to the notebook
      </button>
      <h4>{nb.title ?? nb.ref}</h4>
      <p className="muted">
        {nb.author ?? 'unknown author'} · {nb.votes ?? 0} votes ·{' '}
        <button className="link" onClick={() => void showSource()}>
          {nb.source}
        </button>
      </p>
      <button className="primary" data-testid="open-copy" onClick={() => void openCopy()}>
        Open a copy in the editor
      </button>
      {source && (
        <div className="source-page" data-testid="source-page">
          <h5>
            {source.title ?? source.slug}{' '}
            <span className="muted">
              ({source.kind}, {source.notebooks} notebooks)
            </span>
          </h5>
          {source.tags.length > 0 && (
            <p>
              {source.tags.map((t) => (
                <span key={t} className="tag">
                  {t}
                </span>
              ))}
            </p>
          )}
          {source.description && <p className="desc">{source.description.slice(0, 1200)}</p>}
          {source.evaluation && (
            <p className="desc">
              <strong>Evaluation:</strong> {source.evaluation.slice(0, 800)}
            </p>
          )}
        </div>
      )}
      {nb.cells.map((c) => (
        <pre key={c.index} className={`corpus-cell ${c.type}`} title={c.apiCalls.join(' ')}>
          {c.source}
        </pre>
      ))}
    </div>
  );
}

export function CorpusPanel() {
  const { query, api, stage, minVotes, hits, error, set } = useCorpus();
  const setViewing = useUi((s) => s.setCorpusView);
  const search = searchCorpus;
  return (
    <div className="corpus" data-testid="corpus-panel">
      <input
        data-testid="corpus-query"
        placeholder="Search code and markdown"
        value={query}
        onChange={(e) => set({ query: e.target.value })}
        onKeyDown={(e) => e.key === 'Enter' && void search()}
      />
      <input
        data-testid="corpus-api"
        placeholder="API call, e.g. xgboost.train"
        value={api}
        onChange={(e) => set({ api: e.target.value })}
        onKeyDown={(e) => e.key === 'Enter' && void search()}
      />
      <div className="row">
        <select aria-label="Stage" value={stage} onChange={(e) => set({ stage: e.target.value as StageId | '' })}>
          <option value="">any stage</option>
          {STAGE_IDS.map((s) => (
            <option key={s} value={s}>
              {STAGE_LABEL[s]}
            </option>
          ))}
        </select>
        <input
          aria-label="Minimum votes"
          className="narrow"
          placeholder="min votes"
          value={minVotes}
          onChange={(e) => set({ minVotes: e.target.value.replace(/\D/g, '') })}
        />
        <button className="primary" data-testid="corpus-search" onClick={() => void search()}>
          Search
        </button>
      </div>
      {error && <p className="error-text">{error}</p>}
      {hits && <p className="muted">{hits.length} results</p>}
      <ul className="hits">
        {hits?.map((h) => (
          <li key={`${h.notebookId}-${h.cellIndex}`} data-testid="corpus-hit">
            <button
              className="hit"
              onClick={() =>
                void host()
                  .corpus.notebook({ id: h.notebookId })
                  .then(setViewing, (e: Error) => set({ error: e.message }))
              }
            >
              <span className="hit-ref">{h.ref}</span>{' '}
              <span className="muted">
                {h.source} · cell {h.cellIndex + 1}
                {h.votes !== null ? ` · ${h.votes} votes` : ''}
              </span>
              <Snippet text={h.snippet} />
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
