// Wizard actions: start, resume, cancel and refresh runs; follow progress events; install and roll back models.
import type { Params, PipelineStep } from '../../../preload/contract.ts';
import { host } from '../host.ts';
import { useMl } from '../stores/ml.ts';
import { usePipeline } from '../stores/pipeline.ts';
import { useUi } from '../stores/ui.ts';

const fail = (e: unknown) => useUi.getState().toast('error', (e as Error).message);

export async function refreshRuns(): Promise<void> {
  const runs = await host().pipeline.runs({});
  const st = usePipeline.getState();
  const current = st.currentRunId ?? runs.at(-1)?.runId ?? null;
  usePipeline.getState().set({ runs, currentRunId: current });
  if (current) {
    const d = await host().pipeline.details({ runId: current }).catch(() => null);
    if (d) usePipeline.getState().set({ details: { curves: d.curves, comparisons: d.comparisons, lfAnalysis: d.lfAnalysis } });
  }
}

export function followPipeline(): () => void {
  const api = host();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void refreshRuns().catch(() => undefined), 300);
  };
  const offs = [
    api.on('pipeline.progress', (p) => {
      usePipeline.getState().set({ progress: { ...usePipeline.getState().progress, [`${p.runId}/${p.step}`]: p } });
    }),
    api.on('pipeline.changed', soon),
    api.on('models.changed', ({ kind }) => {
      useUi.getState().toast('info', `New ${kind} model is live`);
      if (kind === 'classifier') useMl.getState().set({ stages: {} }); // re-badge every cell with the new model
    }),
  ];
  return () => offs.forEach((o) => o());
}

export async function startRun(steps: PipelineStep[], opts: Omit<Params<'pipeline.start'>, 'steps'>): Promise<void> {
  try {
    const { runId } = await host().pipeline.start({ steps, ...opts });
    usePipeline.getState().set({ currentRunId: runId, details: null });
    await refreshRuns();
  } catch (e) {
    fail(e);
  }
}

export async function resumeRun(runId: string): Promise<void> {
  await host().pipeline.resume({ runId }).then(refreshRuns, fail);
}

export async function cancelRun(runId: string): Promise<void> {
  await host().pipeline.cancel({ runId }).then(refreshRuns, fail);
}

export async function installModels(runId: string, kinds: Array<'classifier' | 'recommender'>): Promise<void> {
  for (const kind of kinds) await host().models.install({ runId, kind }).catch(fail);
}

export async function rollback(kind: 'classifier' | 'recommender'): Promise<void> {
  await host().models.rollback({ kind }).catch(fail);
}
