// Public API of the pipeline manager for the app (main process) and the CLI.
export { PipelineManager, type ManagerOptions } from './manager.ts';
export { detectTorch, formatTorch, installHint, type TorchInfo } from './torch.ts';
export { compareModels, formatComparison, installModel, isModelKind, rollbackModel, type InstallResult, type MetricRow, type ModelKind } from './install.ts';
export { gdsResolver, findCheckpoint, FlagProbe } from './step-commands.ts';
export { pipelineRoot } from './state-file.ts';
export * from './types.ts';
