// Weak stage labels, fast and without the LSTM: labeling functions + the fitted label model saved beside the classifier
// (the recommender labels its corpus and the cells it is asked about with these).
import { BUNDLED_MODEL_DIR } from './classifier.ts';
import { LABELING_FUNCTIONS, applyLfs } from './labeling-functions/index.ts';
import { argmax, majorityVote } from './label-model.ts';
import { labelProbs, readLabelModel as readLabelModelIn } from './saved-label-model.ts';
import type { LabelModelParams } from './label-model.ts';
import { STAGES, type Stage } from './stages.ts';

export { labelProbs } from './saved-label-model.ts';

export function readLabelModel(modelDir: string = BUNDLED_MODEL_DIR): LabelModelParams {
  return readLabelModelIn(modelDir);
}

/** One stage per cell from the LFs and the fitted label model (about 0.4 ms a cell, no ONNX session). */
export function labelCells(sources: string[], modelDir?: string): Stage[] {
  return labelProbs(sources, readLabelModel(modelDir)).map((p) => STAGES[argmax(p)]!);
}

/** Majority vote of the LFs, for comparison; cells no LF votes on get `fallback`. */
export function majorityLabels(sources: string[], fallback: Stage = 'prep'): Stage[] {
  return majorityVote(applyLfs(sources), LABELING_FUNCTIONS.length).map((v) => (v === null ? fallback : STAGES[v]!));
}
