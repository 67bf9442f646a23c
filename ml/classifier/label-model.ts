// Dawid–Skene generative label model for unipolar LFs: per LF and true stage, P(LF fires | stage). Inference only; the EM
// fit (pipeline/training/classifier/fit-label-model.ts) shares the pattern grouping and the posterior exported here.
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

export interface Patterns {
  fired: number[][];
  counts: number[];
  /** cell → pattern index */
  ofCell: Int32Array;
}

/** Cells with the same set of firing LFs share a posterior; the crawl has ~300k cells but a few thousand patterns, which is why EM takes seconds. */
export function groupPatterns(votes: Int8Array, m: number): Patterns {
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

export function posteriorOf(fired: number[], p: LabelModelParams, base: number[]): number[] {
  const logp = p.prior.map((pr, y) => Math.log(pr) + base[y]!);
  for (const j of fired) {
    const t = p.theta[j]!;
    for (let y = 0; y < K; y++) logp[y]! += Math.log(t[y]!) - (p.useAbstains ? Math.log(1 - t[y]!) : 0);
  }
  return normalizeLog(logp);
}

export function baseLog(p: LabelModelParams): number[] {
  const base = new Array<number>(K).fill(0);
  if (!p.useAbstains) return base;
  for (const t of p.theta) for (let y = 0; y < K; y++) base[y]! += Math.log(1 - t[y]!);
  return base;
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
