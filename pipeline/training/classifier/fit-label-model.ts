// Fits the label model (ml/classifier/label-model.ts) by EM on distinct vote patterns of the unlabelled corpus.
import { baseLog, groupPatterns, posteriorOf, type LabelModelParams } from '../../../ml/classifier/label-model.ts';
import { STAGES } from '../../../ml/classifier/stages.ts';

const K = STAGES.length;

export interface FitOptions {
  iterations?: number;
  /** Beta pseudo-counts that keep rare LFs from reaching probability 0 or 1. */
  smoothing?: number;
  useAbstains?: boolean;
  minTheta?: number;
  maxTheta?: number;
}

export function fitLabelModel(votes: Int8Array, lfNames: string[], lfStages: number[], opts: FitOptions = {}): LabelModelParams {
  const m = lfNames.length;
  const iterations = opts.iterations ?? 60;
  const a = opts.smoothing ?? 1;
  // Bounds keep one high-coverage LF from becoming the definition of its class (EM's usual collapse when LFs correlate).
  const minTheta = opts.minTheta ?? 0.02;
  const maxTheta = opts.maxTheta ?? 0.6;
  const pat = groupPatterns(votes, m);
  const P = pat.fired.length;
  // Start from smoothed majority vote so EM cannot settle on a permutation of the stages.
  let q: number[][] = pat.fired.map((f) => {
    const c = new Array<number>(K).fill(0.05);
    for (const j of f) c[lfStages[j]!]! += 1;
    const s = c.reduce((x, y) => x + y, 0);
    return c.map((v) => v / s);
  });
  const prior = new Array<number>(K).fill(1 / K);
  const params: LabelModelParams = { lfNames, lfStages, prior, theta: [], iterations, useAbstains: opts.useAbstains ?? false };
  for (let it = 0; it < iterations; it++) {
    const mass = new Array<number>(K).fill(0);
    const fire = Array.from({ length: m }, () => new Array<number>(K).fill(0));
    for (let p = 0; p < P; p++) {
      const w = pat.counts[p]!;
      const qp = q[p]!;
      for (let y = 0; y < K; y++) mass[y]! += w * qp[y]!;
      for (const j of pat.fired[p]!) for (let y = 0; y < K; y++) fire[j]![y]! += w * qp[y]!;
    }
    const total = mass.reduce((x, y) => x + y, 0);
    params.prior = mass.map((v) => (v + 1) / (total + K));
    // An LF fires more often on its own stage: the prior pseudo-counts say so, the data decide how much.
    params.theta = fire.map((row, j) =>
      row.map((v, y) => Math.min(maxTheta, Math.max(minTheta, (v + (y === lfStages[j] ? 2 * a : 0.1 * a)) / (mass[y]! + 2.1 * a + a)))),
    );
    const base = baseLog(params);
    q = pat.fired.map((f) => posteriorOf(f, params, base));
  }
  return params;
}
