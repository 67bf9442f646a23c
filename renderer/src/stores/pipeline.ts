// Training pipeline runs as the wizard shows them, with live progress per step.
import { create } from 'zustand';
import type { ModelComparison, PipelineRunView, TorchReport, TrainingCurve } from '../../../preload/contract.ts';

export interface StepProgress { fraction: number | null; etaSeconds: number | null; message: string }

interface PipelineState {
  torch: TorchReport | null;
  runs: PipelineRunView[];
  currentRunId: string | null;
  progress: Record<string, StepProgress>;
  details: { curves: TrainingCurve[]; comparisons: ModelComparison[]; lfAnalysis: string | null } | null;
  set(p: Partial<Omit<PipelineState, 'set'>>): void;
}

export const usePipeline = create<PipelineState>((set) => ({
  torch: null, runs: [], currentRunId: null, progress: {}, details: null,
  set: (p) => set(p),
}));
