// The six workflow stages of a code cell (../shared/specs/stages.md), in the order ties are broken by.
// Defined once, in the contract (the UI shows them and corpus.search filters by them); ml/ may import the contract.
import { STAGE_IDS, type StageId } from '../../preload/contract.ts';

export const STAGES = STAGE_IDS;
export type Stage = StageId;

export const STAGE_NAMES: Record<Stage, string> = {
  import: 'Imports',
  load: 'Load Data',
  explore: 'Data Exploration',
  prep: 'Data Preparation',
  train: 'Model Training and Tuning',
  eval: 'Model Evaluation',
};

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}
