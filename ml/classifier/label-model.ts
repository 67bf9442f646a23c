// Dawid–Skene generative label model for unipolar LFs: per LF and true stage, P(LF fires | stage), fitted by EM on distinct vote patterns.
import { STAGES } from './stages.ts';

const K = STAGES.length;

export interface LabelModelParams {
  lfNames: string[];
  /** Stage index each LF votes for. */
  lfStages: number[];
  prior: number[];
  /** theta[j][y] = P(LF j fires | true stage y). */
  theta: number[][];
  iterations: number;
  /** Whether an LF staying silent is evidence (full Dawid–Skene) or ignored (robust to LFs that fire together). */
  useAbstains: boolean;
}

interface Patterns {
  fired: number[][];
  counts: number[];
  /** cell → pattern index */
  ofCell: Int32Array;
}

/** Cells with the same set of firing LFs share a posterior; the crawl has ~300k cells but a few thousand patterns, which is why EM takes seconds. */
function groupPatterns(votes: Int8Array, m: number): Patterns {
  const n = votes.length / m;
  const index = new Map<string, number>();
  const fired: number[][] = [];
  const counts: number[] = [];
  const ofCell = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const f: number[] = [];
    for (let j = 0; j < m; j++) if (votes[i * m + j]! >= 0) f.push(j);
    const key = f.join(',');
    let p = index.get(key);
    if (p === undefined) {
      p = fired.length;
      index.set(key, p);
      fired.push(f);
      counts.push(0);
    }
    counts[p]! += 1;
    ofCell[i] = p;
  }
  return { fired, counts, ofCell };
}

function normalizeLog(logp: number[]): number[] {
  const mx = Math.max(...logp);
  const e = logp.map((v) => Math.exp(v - mx));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Majority vote over fired LFs; ties go to the later stage as in the spec; no votes → null. */
export function majorityVote(votes: Int8Array, m: number): Array<number | null> {
  const n = votes.length / m;
  const out: Array<number | null> = [];
  for (let i = 0; i < n; i++) {
    const c = new Array<number>(K).fill(0);
    for (let j = 0; j < m; j++) {
      const v = votes[i * m + j]!;
      if (v >= 0) c[v]! += 1;
    }
    const best = Math.max(...c);
    out.push(best === 0 ? null : c.lastIndexOf(best));
  }
  return out;
}

function posteriorOf(fired: number[], p: LabelModelParams, base: number[]): number[] {
  const logp = p.prior.map((pr, y) => Math.log(pr) + base[y]!);
  for (const j of fired) {
    const t = p.theta[j]!;
    for (let y = 0; y < K; y++) logp[y]! += Math.log(t[y]!) - (p.useAbstains ? Math.log(1 - t[y]!) : 0);
  }
  return normalizeLog(logp);
}

function baseLog(p: LabelModelParams): number[] {
  const base = new Array<number>(K).fill(0);
  if (!p.useAbstains) return base;
  for (const t of p.theta) for (let y = 0; y < K; y++) base[y]! += Math.log(1 - t[y]!);
  return base;
}

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
  const params: LabelModelParams = { lfNames, lfStages, prior: new Array<number>(K).fill(1 / K), theta: [], iterations, useAbstains: opts.useAbstains ?? false };
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

/** Per-cell stage probabilities [n][6] under fitted parameters (LF order must match params.lfNames). */
export function predictProba(votes: Int8Array, params: LabelModelParams): number[][] {
  const m = params.lfNames.length;
  const pat = groupPatterns(votes, m);
  const base = baseLog(params);
  const post = pat.fired.map((f) => posteriorOf(f, params, base));
  return Array.from(pat.ofCell, (p) => post[p]!);
}

export function argmax(v: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}
