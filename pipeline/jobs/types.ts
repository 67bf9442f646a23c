// Shared types of the pipeline manager: step names, persisted run state and progress events (the UI consumes these).
import { PIPELINE_STEPS, type PipelineStep } from '../../preload/contract.ts';

/** The steps a run can hold: the contract's list, so the wizard and the manager cannot disagree. */
export const STEP_NAMES = PIPELINE_STEPS;
export type StepName = PipelineStep;

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
export type RunStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export function isStepName(v: string): v is StepName {
  return (STEP_NAMES as readonly string[]).includes(v);
}

/** Options that shape the child commands; stored in state.json so `resume` rebuilds the same commands. */
export interface PipelineOptions {
  corpus?: string;
  db?: string;
  epochs?: number;
  maxCells?: number;
  /** Self-training: the classifier step learns from the current classifier's in-context answers (`--teacher`). */
  selfTrain?: boolean;
  /** PyTorch processes per training step (torchrun, DistributedDataParallel); unset = 1. */
  procs?: number;
}

export interface StepState {
  name: StepName;
  status: StepStatus;
  /** How many times the step was started (a resume after a crash adds one). */
  attempts: number;
  startedAt: string | null;
  firstStartedAt: string | null;
  endedAt: string | null;
  exitCode: number | null;
  /** Child's pid while running: lets a later `resume` stop an orphan left by a killed manager. */
  pid: number | null;
  logFile: string;
  /** Folder the step writes into (e.g. the trained model folder). */
  outDir: string;
  /** Checkpoint passed with --resume on the latest attempt, if any. */
  resumedFrom: string | null;
  /** argv of each child of the latest attempt, for the log and for tests. */
  commands: string[][];
  fraction: number | null;
  message: string;
  error: string | null;
}

export interface RunState {
  version: 1;
  runId: string;
  createdAt: string;
  updatedAt: string;
  status: RunStatus;
  /** Pid of the manager that last drove the run; a dead pid with status 'running' means it crashed. */
  managerPid: number | null;
  options: PipelineOptions;
  steps: StepState[];
}

export interface ProgressEvent {
  runId: string;
  step: StepName;
  fraction: number | null;
  etaSeconds: number | null;
  message: string;
}

export interface StepEvent {
  runId: string;
  step: StepName;
  status: StepStatus;
  exitCode: number | null;
  error: string | null;
}

/** Event map of PipelineManager (typed EventEmitter). */
export interface PipelineEvents {
  progress: [ProgressEvent];
  step: [StepEvent];
  log: [{ runId: string; step: StepName; line: string }];
  run: [{ runId: string; status: RunStatus }];
}

/** One child process of a step (the default resolver's are step-child tasks: pipeline/jobs/step-plan.ts). */
export interface StepCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Used by the progress parser, e.g. the epoch count of a training run. */
  hint?: ProgressHint;
  /** The checkpoint this child continues from, recorded as the step's `resumedFrom`. */
  resumeFrom?: string;
}

export interface ProgressHint {
  epochs?: number;
  /** Sub-models trained one after another (recommender: 6 stages + single). */
  models?: number;
  total?: number;
}

/** What a resolver is given to plan a step's child processes. */
export interface StepContext {
  runId: string;
  runDir: string;
  step: StepState;
  state: RunState;
  /** Checkpoint found for a restarted training step, else null. */
  checkpoint: string | null;
}

export type StepCommandResolver = (step: StepName, ctx: StepContext) => Promise<StepCommand[]>;
