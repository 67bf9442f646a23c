// Public API of the pipeline manager for the app (main process) and the CLI.
export { PipelineManager, type ManagerOptions } from './manager.ts';
export { detectTorch, formatTorch, installHint, type TorchInfo } from './torch.ts';
export { compareModels, formatComparison, installModel, isModelKind, rollbackModel, type InstallResult, type MetricRow, type ModelKind } from './install.ts';
export { findCheckpoint, planStep, taskResolver, type TaskCall } from './step-plan.ts';
// Types only: the registry's modules (training, ONNX) load in the step child, not in the app's main process.
export type { TaskName, TaskParams, TaskResult } from './steps/registry.ts';
export { pipelineRoot } from './state-file.ts';
export * from './types.ts';
