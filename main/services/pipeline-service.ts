// The training wizard's side of the pipeline manager: runs, progress events, curves, comparisons, install and rollback.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  Events,
  ModelComparison,
  ModelKind,
  Params,
  PipelineRunView,
  PipelineStep,
  TorchReport,
  TrainingCurve,
} from '../../preload/contract.ts';
import { activeModelDir, defaultCorpusDb } from '../../pipeline/app-paths.ts';
import { compareModels, detectTorch, installModel, PipelineManager, rollbackModel, type RunState } from '../../pipeline/jobs/index.ts';

type Emit = <E extends keyof Events>(event: E, payload: Events[E]) => void;

function view(s: RunState): PipelineRunView {
  return {
    runId: s.runId,
    status: s.status,
    createdAt: s.createdAt,
    options: s.options,
    steps: s.steps.map((st) => ({
      name: st.name,
      status: st.status,
      attempts: st.attempts,
      startedAt: st.startedAt,
      endedAt: st.endedAt,
      fraction: st.fraction,
      message: st.message,
      error: st.error,
      resumedFrom: st.resumedFrom,
    })),
  };
}

/** Reads `{"event":"epoch",...}` lines the trainers print (kept in each step's log) into loss curves. */
export function curvesFromLog(text: string, fallbackModel: string): TrainingCurve[] {
  const byModel = new Map<string, TrainingCurve>();
  for (const line of text.split('\n')) {
    const start = line.indexOf('{');
    if (start < 0 || !line.includes('"epoch"')) continue;
    let ev: Record<string, unknown>;
    try {
      ev = JSON.parse(line.slice(start)) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (ev.event !== 'epoch' || typeof ev.epoch !== 'number') continue;
    // The recommender's trainer prefixes each line with its sub-model: `! [12s] stage-import: {"event":"epoch",...}`.
    const prefixed = /([\w./-]+):\s*$/.exec(line.slice(0, start))?.[1];
    const model = typeof ev.model === 'string' ? ev.model : typeof ev.stage === 'string' ? ev.stage : (prefixed ?? fallbackModel);
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    let curve = byModel.get(model);
    if (!curve) byModel.set(model, (curve = { model, points: [] }));
    curve.points = curve.points.filter((p) => p.epoch !== ev.epoch); // a resumed run repeats its last epoch
    curve.points.push({ epoch: ev.epoch, trainLoss: num(ev.train_loss), valLoss: num(ev.val_loss) });
  }
  return [...byModel.values()].map((c) => ({ ...c, points: c.points.sort((a, b) => a.epoch - b.epoch) }));
}

const TRAIN_STEP: Record<ModelKind, PipelineStep> = { classifier: 'train-classifier', recommender: 'train-recommender' };

export class PipelineService {
  private readonly manager = new PipelineManager();

  constructor(
    private readonly emit: Emit,
    private readonly onModelsChanged: () => Promise<void>,
  ) {
    this.manager.on('progress', (p) => emit('pipeline.progress', p));
    this.manager.on('step', (s) => emit('pipeline.changed', { runId: s.runId }));
    this.manager.on('run', (r) => emit('pipeline.changed', { runId: r.runId }));
  }

  async torch(): Promise<TorchReport> {
    try {
      const t = await detectTorch();
      return {
        ok: !!t.torch,
        python: t.python,
        version: t.torch,
        cuda: t.cuda,
        device: t.deviceName ?? t.device,
        message: t.message ?? (t.cuda ? `training on ${t.deviceName ?? 'CUDA'}` : 'training on the CPU'),
      };
    } catch (e) {
      return { ok: false, python: null, version: null, cuda: false, device: null, message: (e as Error).message };
    }
  }

  runs(): PipelineRunView[] {
    return this.manager.list().map(view);
  }

  /** Without a corpus path, "the current corpus" is the app's own SQLite corpus when there is one (else the bundled crawl). */
  start(steps: PipelineStep[], opts: Omit<Params<'pipeline.start'>, 'steps'>): { runId: string } {
    const db = !opts.corpus && existsSync(defaultCorpusDb()) ? defaultCorpusDb() : undefined;
    const { runId, done } = this.manager.start(steps, { ...opts, ...(db ? { db } : {}) });
    void done.catch(() => undefined);
    return { runId };
  }

  resume(runId: string): { runId: string } {
    const { done } = this.manager.resume(runId);
    void done.catch(() => undefined);
    return { runId };
  }

  async cancel(runId: string): Promise<PipelineRunView> {
    return view(await this.manager.cancel(runId));
  }

  private modelDir(runId: string, kind: ModelKind): string | null {
    const st = this.manager.status(runId).steps.find((s) => s.name === TRAIN_STEP[kind]);
    const dir = st ? join(st.outDir, 'model') : null;
    return dir && st?.status === 'done' && existsSync(join(dir, 'manifest.json')) ? dir : null;
  }

  details(runId: string): { run: PipelineRunView; curves: TrainingCurve[]; comparisons: ModelComparison[]; lfAnalysis: string | null } {
    const state = this.manager.status(runId);
    const curves: TrainingCurve[] = [];
    let lfAnalysis: string | null = null;
    for (const st of state.steps) {
      if (!existsSync(st.logFile)) continue;
      const log = readFileSync(st.logFile, 'utf8');
      if (st.name === 'train-classifier')
        curves.push(...curvesFromLog(log, 'classifier').map((c) => ({ ...c, model: `classifier${c.model === 'classifier' ? '' : `/${c.model}`}` })));
      if (st.name === 'train-recommender') curves.push(...curvesFromLog(log, 'recommender').map((c) => ({ ...c, model: `recommender/${c.model}` })));
      if (st.name === 'label' && st.status === 'done') lfAnalysis = log.slice(-60_000);
    }
    const comparisons: ModelComparison[] = [];
    for (const kind of ['classifier', 'recommender'] as const) {
      const candidate = this.modelDir(runId, kind);
      if (!candidate) continue;
      const installed = activeModelDir(kind);
      const rows = compareModels(candidate, existsSync(join(installed, 'manifest.json')) ? installed : null);
      comparisons.push({ kind, rows: rows.map((r) => ({ metric: r.metric, candidate: r.candidate ?? null, installed: r.installed ?? null })) });
    }
    return { run: view(state), curves, comparisons, lfAnalysis };
  }

  /** Installs the run's trained model and swaps it into the inference worker without a restart. */
  async install(runId: string, kind: ModelKind): Promise<{ installedAt: string }> {
    const dir = this.modelDir(runId, kind);
    if (!dir) throw new Error(`run ${runId} has no finished ${kind} model to install`);
    installModel(dir, kind);
    await this.onModelsChanged();
    this.emit('models.changed', { kind });
    return { installedAt: new Date().toISOString() };
  }

  async rollback(kind: ModelKind): Promise<void> {
    rollbackModel(kind);
    await this.onModelsChanged();
    this.emit('models.changed', { kind });
  }
}
