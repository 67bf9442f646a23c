// All labeling functions in a fixed order (the label model's parameters are stored by this order and by name).
import type { Stage } from '../stages.ts';
import { STAGES } from '../stages.ts';
import { extractFeatures, type CellFeatures } from './features.ts';
import { evalLfs, exploreLfs, importLfs, loadLfs, prepLfs, trainLfs } from './keyword-lfs.ts';
import { structuralLfs } from './structural-lfs.ts';
import type { LabelingFunction } from './types.ts';

export type { LabelingFunction } from './types.ts';
export { extractFeatures } from './features.ts';

export const LABELING_FUNCTIONS: LabelingFunction[] = [...structuralLfs, ...importLfs, ...loadLfs, ...exploreLfs, ...prepLfs, ...trainLfs, ...evalLfs];

export const ABSTAIN = -1;

/** Votes of every LF on every cell: row-major [cells, lfs], stage index or -1. */
export function applyLfs(sources: string[], lfs: LabelingFunction[] = LABELING_FUNCTIONS): Int8Array {
  return applyLfsToFeatures(sources.map(extractFeatures), lfs);
}

/** `applyLfs` on cells already parsed (the classifier parses each cell once for the LFs and the stacker). */
export function applyLfsToFeatures(features: CellFeatures[], lfs: LabelingFunction[] = LABELING_FUNCTIONS): Int8Array {
  const votes = new Int8Array(features.length * lfs.length).fill(ABSTAIN);
  const stageIdx = lfs.map((l) => STAGES.indexOf(l.stage));
  features.forEach((f, i) => {
    lfs.forEach((l, j) => {
      if (l.fires(f)) votes[i * lfs.length + j] = stageIdx[j]!;
    });
  });
  return votes;
}

export function lfStage(lf: LabelingFunction): Stage {
  return lf.stage;
}
