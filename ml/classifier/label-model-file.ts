// The fitted label model saved beside the classifier (label-model.json), checked against the current LF list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABELING_FUNCTIONS, applyLfs } from './labeling-functions/index.ts';
import { predictProba, type LabelModelParams } from './label-model.ts';

const cache = new Map<string, LabelModelParams>();

export function readLabelModel(modelDir: string): LabelModelParams {
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
export function labelProbs(sources: string[], params: LabelModelParams): number[][] {
  return predictProba(applyLfs(sources), params);
}
