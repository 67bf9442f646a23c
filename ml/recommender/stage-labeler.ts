// Picks the stage labeler: the classifier's fast weak-supervision labels when its label model is installed, else a keyword rule.
import type { Stage } from '../classifier/stages.ts';
import { ruleLabelCells } from './keyword-stage-rule.ts';

export type CellLabeler = (sources: string[]) => Stage[];

let cached: { labeler: CellLabeler; name: string } | undefined;

/** Tries `labelCells` once (it throws when the label model is missing); the result is reused. */
export async function resolveLabeler(): Promise<{ labeler: CellLabeler; name: string }> {
  if (cached) return cached;
  try {
    const mod = await import('../classifier/weak-labels.ts');
    mod.labelCells(['import pandas as pd']);
    cached = { labeler: (s) => mod.labelCells(s), name: 'classifier/labelCells' };
  } catch {
    // The name is what model manifests record (recommender.ts matches it): it stays as written before the file's rename.
    cached = { labeler: ruleLabelCells, name: 'recommender/stage-rule' };
  }
  return cached;
}

export async function defaultLabeler(): Promise<CellLabeler> {
  return (await resolveLabeler()).labeler;
}
