// The training wizard: corpus → labeling analysis → classifier → recommenders → compare → install (with rollback).
import { useEffect, useState } from 'react';
import type { PipelineRunView, PipelineStep } from '../../../preload/contract.ts';
import { cancelRun, installModels, refreshRuns, resumeRun, rollback, startRun } from '../actions/pipeline.ts';
import { host } from '../host.ts';
import { usePipeline } from '../stores/pipeline.ts';
import { LossChart } from './LossChart.tsx';

const STEP_LABEL: Record<PipelineStep, string> = {
  crawl: 'Crawl Kaggle',
  import: 'Import corpus',
  execute: 'Execute notebooks',
  label: 'Labeling functions',
  'train-classifier': 'Train stage classifier',
  'train-recommender': 'Train recommenders',
  evaluate: 'Evaluate',
  install: 'Install',
};

function eta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '';
  return s < 90 ? `${Math.round(s)} s left` : `${Math.round(s / 60)} min left`;
}

function CorpusChooser() {
  const [source, setSource] = useState<'current' | 'import' | 'crawl'>('current');
  const [path, setPath] = useState('');
  const [epochs, setEpochs] = useState('2');
  const [maxCells, setMaxCells] = useState('');
  const [selfTrain, setSelfTrain] = useState(false);
  const [procs, setProcs] = useState('1');
  const go = () => {
    const steps: PipelineStep[] = [
      ...(source === 'crawl' ? (['crawl', 'import'] as const) : source === 'import' ? (['import'] as const) : []),
      'label',
      'train-classifier',
      'train-recommender',
      'evaluate',
    ];
    void startRun(steps, {
      corpus: source === 'import' ? path : undefined,
      epochs: Number(epochs) || undefined,
      maxCells: Number(maxCells) || undefined,
      selfTrain: selfTrain || undefined,
      procs: Number(procs) > 1 ? Number(procs) : undefined,
    });
  };
  return (
    <section className="wizard-step" data-testid="wizard-corpus">
      <h3>1. Corpus</h3>
      <label>
        <input type="radio" checked={source === 'current'} onChange={() => setSource('current')} /> the current corpus
      </label>
      <label>
        <input type="radio" checked={source === 'import'} onChange={() => setSource('import')} /> import a folder or zip of notebooks
      </label>
      {source === 'import' && (
        <input className="wide" data-testid="wizard-path" placeholder="/path/to/notebooks" value={path} onChange={(e) => setPath(e.target.value)} />
      )}
      <label>
        <input type="radio" checked={source === 'crawl'} onChange={() => setSource('crawl')} /> crawl Kaggle (needs ~/.kaggle/kaggle.json)
      </label>
      <div className="row">
        <label>
          epochs{' '}
          <input className="narrow" data-testid="wizard-epochs" value={epochs} onChange={(e) => setEpochs(e.target.value.replace(/\D/g, ''))} />
        </label>
        <label>
          max cells{' '}
          <input
            className="narrow"
            data-testid="wizard-max-cells"
            placeholder="all"
            value={maxCells}
            onChange={(e) => setMaxCells(e.target.value.replace(/\D/g, ''))}
          />
        </label>
        <label title="Training processes (torchrun with DistributedDataParallel): one per GPU, or several CPU processes">
          processes{' '}
          <input className="narrow" data-testid="wizard-procs" value={procs} onChange={(e) => setProcs(e.target.value.replace(/\D/g, ''))} />
        </label>
        <label
          title={
            'The new stage classifier learns what the current one answers for each cell in its notebook, ' +
            "instead of the labeling functions' label model (docs/EVALUATION.md: self-training)"
          }
        >
          <input type="checkbox" data-testid="wizard-self-train" checked={selfTrain} onChange={(e) => setSelfTrain(e.target.checked)} /> learn from
          the current classifier
        </label>
        <button className="primary" data-testid="wizard-start" onClick={go}>
          Start training
        </button>
      </div>
    </section>
  );
}

function RunSteps({ run }: { run: PipelineRunView }) {
  const progress = usePipeline((s) => s.progress);
  return (
    <section className="wizard-step" data-testid="wizard-run" data-status={run.status}>
      <h3>
        2. Run{' '}
        <span className="muted">
          {run.runId} · {run.status}
        </span>
      </h3>
      <ul className="steps">
        {run.steps.map((st) => {
          const p = progress[`${run.runId}/${st.name}`];
          const frac = st.status === 'done' ? 1 : (p?.fraction ?? st.fraction);
          return (
            <li key={st.name} data-testid={`step-${st.name}`} data-status={st.status}>
              <span className={`step-dot s-${st.status}`} /> {STEP_LABEL[st.name]}
              <progress max={1} value={frac ?? undefined} />
              <span className="muted">
                {st.status === 'running' ? `${p?.message ?? st.message} ${eta(p?.etaSeconds ?? null)}` : st.status}
                {st.resumedFrom ? ' (resumed from checkpoint)' : ''}
              </span>
              {st.error && <div className="error-text">{st.error}</div>}
            </li>
          );
        })}
      </ul>
      <div className="row">
        {(run.status === 'interrupted' || run.status === 'failed' || run.status === 'cancelled') && (
          <button className="primary" data-testid="wizard-resume" onClick={() => void resumeRun(run.runId)}>
            Resume
          </button>
        )}
        {run.status === 'running' && (
          <button data-testid="wizard-cancel" onClick={() => void cancelRun(run.runId)}>
            Cancel
          </button>
        )}
      </div>
    </section>
  );
}

function Review({ run }: { run: PipelineRunView }) {
  const details = usePipeline((s) => s.details);
  const [lfOpen, setLfOpen] = useState(false);
  if (!details) return null;
  const trained = (k: 'classifier' | 'recommender') => details.comparisons.some((c) => c.kind === k);
  return (
    <>
      {details.lfAnalysis && (
        <section className="wizard-step" data-testid="wizard-lf">
          <h3>3. Labeling functions</h3>
          <button className="link" onClick={() => setLfOpen(!lfOpen)}>
            {lfOpen ? 'hide' : 'show'} the analysis (coverage, overlap, conflict, accuracy)
          </button>
          {lfOpen && <pre className="lf-analysis">{details.lfAnalysis}</pre>}
        </section>
      )}
      {details.curves.length > 0 && (
        <section className="wizard-step">
          <h3>4. Training curves</h3>
          <div className="charts">
            {details.curves.map((c) => (
              <LossChart key={c.model} curve={c} />
            ))}
          </div>
        </section>
      )}
      {details.comparisons.length > 0 && (
        <section className="wizard-step" data-testid="wizard-compare">
          <h3>5. New vs installed (held-out data)</h3>
          {details.comparisons.map((c) => (
            <table key={c.kind} className="compare">
              <caption>{c.kind}</caption>
              <thead>
                <tr>
                  <th>metric</th>
                  <th>new</th>
                  <th>installed</th>
                </tr>
              </thead>
              <tbody>
                {c.rows.slice(0, 30).map((r) => (
                  <tr key={r.metric}>
                    <td>{r.metric}</td>
                    <td>{r.candidate?.toFixed(4) ?? '—'}</td>
                    <td>{r.installed?.toFixed(4) ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
          <div className="row">
            <button
              className="primary"
              data-testid="wizard-install"
              disabled={run.status !== 'done'}
              onClick={() => void installModels(run.runId, (['classifier', 'recommender'] as const).filter(trained))}
            >
              Install new models
            </button>
            <button data-testid="wizard-rollback-classifier" onClick={() => void rollback('classifier')}>
              Roll back classifier
            </button>
            <button onClick={() => void rollback('recommender')}>Roll back recommender</button>
          </div>
        </section>
      )}
    </>
  );
}

export function TrainingWizard() {
  const torch = usePipeline((s) => s.torch);
  const runs = usePipeline((s) => s.runs);
  const currentRunId = usePipeline((s) => s.currentRunId);
  useEffect(() => {
    void host()
      .pipeline.torch({})
      .then((t) => usePipeline.getState().set({ torch: t }));
    void refreshRuns().catch(() => undefined);
  }, []);
  const run = runs.find((r) => r.runId === currentRunId) ?? null;
  return (
    <div className="wizard" data-testid="training-wizard">
      <h2>Train GDS on your corpus</h2>
      <p className={torch && !torch.ok ? 'error-text' : 'muted'} data-testid="torch-status">
        {torch ? (torch.ok ? `PyTorch ${torch.version} (${torch.python}) — ${torch.message}` : torch.message) : 'Checking PyTorch…'}
      </p>
      {runs.length > 1 && (
        <select
          aria-label="Run"
          value={currentRunId ?? ''}
          onChange={(e) => {
            usePipeline.getState().set({ currentRunId: e.target.value, details: null });
            void refreshRuns();
          }}
        >
          {runs.map((r) => (
            <option key={r.runId} value={r.runId}>
              {r.runId} ({r.status})
            </option>
          ))}
        </select>
      )}
      {(!run || ['done', 'failed', 'cancelled'].includes(run.status)) && <CorpusChooser />}
      {run && <RunSteps run={run} />}
      {run && <Review run={run} />}
    </div>
  );
}
