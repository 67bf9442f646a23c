// Fast stage labels without the LSTM: labeling functions + the fitted label model saved beside the classifier.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED_MODEL_DIR } from './classifier.ts';
import { LABELING_FUNCTIONS, applyLfs } from './labeling-functions/index.ts';
import { argmax, majorityVote, predictProba, type LabelModelParams } from './label-model.ts';
import { STAGES, type Stage } from './stages.ts';

const cache = new Map<string, LabelModelParams>();

export function readLabelModel(modelDir: string = BUNDLED_MODEL_DIR): LabelModelParams {
  const path = join(modelDir, 'label-model.json');
  let params = cache.get(path);
  if (!params) {
    params = JSON.parse(readFileSync(path, 'utf8')) as LabelModelParams;
    const names = LABELING_FUNCTIONS.map((l) => l.name).join(',');
    // Parameters are per LF; a changed LF list would silently misalign them.
    if (params.lfNames.join(',') !== names) throw new Error(`${path} was fitted for other labeling functions; rerun \`gds train classifier\``);
    cache.set(path, params);
  }
  return params;
}

/** Label-model probabilities [n][6] for cell sources. */
export function labelProbs(sources: string[], params: LabelModelParams = readLabelModel()): number[][] {
  return predictProba(applyLfs(sources), params);
}

/** One stage per cell from the LFs and the fitted label model (about 0.4 ms a cell, no ONNX session). */
export function labelCells(sources: string[], modelDir?: string): Stage[] {
  return labelProbs(sources, readLabelModel(modelDir)).map((p) => STAGES[argmax(p)]!);
}

/** Majority vote of the LFs, for comparison; cells no LF votes on get `fallback`. */
export function majorityLabels(sources: string[], fallback: Stage = 'prep'): Stage[] {
  return majorityVote(applyLfs(sources), LABELING_FUNCTIONS.length).map((v) => (v === null ? fallback : STAGES[v]!));
}
