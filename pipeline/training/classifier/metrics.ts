// Accuracy, macro-F1, per-stage precision/recall/F1 and the confusion matrix, plus their plain-text rendering.
import { rng } from '../../../ml/random.ts';
import { STAGES, type Stage } from '../../../ml/classifier/stages.ts';

export interface StageScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Scores {
  n: number;
  accuracy: number;
  macroF1: number;
  perStage: Record<Stage, StageScores>;
  /** confusion[gold][predicted] in STAGES order. */
  confusion: number[][];
}

export function score(gold: Stage[], predicted: Stage[]): Scores {
  const k = STAGES.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  gold.forEach((g, i) => {
    confusion[STAGES.indexOf(g)]![STAGES.indexOf(predicted[i]!)]! += 1;
  });
  const perStage = {} as Record<Stage, StageScores>;
  let correct = 0;
  let f1Sum = 0;
  STAGES.forEach((s, i) => {
    const tp = confusion[i]![i]!;
    correct += tp;
    const predTotal = confusion.reduce((a, row) => a + row[i]!, 0);
    const support = confusion[i]!.reduce((a, b) => a + b, 0);
    const precision = predTotal ? tp / predTotal : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    f1Sum += f1;
    perStage[s] = { precision, recall, f1, support };
  });
  return { n: gold.length, accuracy: gold.length ? correct / gold.length : 0, macroF1: f1Sum / k, perStage, confusion };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

export function formatScores(title: string, s: Scores): string {
  const lines = [`${title}: n=${s.n} accuracy=${pct(s.accuracy)} macro-F1=${pct(s.macroF1)}`, 'stage      P       R       F1      support'];
  for (const st of STAGES) {
    const p = s.perStage[st];
    lines.push(
      `${st.padEnd(8)} ${pct(p.precision).padStart(7)} ${pct(p.recall).padStart(7)} ${pct(p.f1).padStart(7)} ${String(p.support).padStart(6)}`,
    );
  }
  lines.push(`confusion (rows gold, columns predicted): ${STAGES.map((x) => x.slice(0, 7).padStart(8)).join('')}`);
  STAGES.forEach((st, i) => lines.push(`${' '.repeat(34)}${st.padEnd(8)}${s.confusion[i]!.map((c) => String(c).padStart(8)).join('')}`));
  return lines.join('\n');
}

/**
 * 95 % interval of an accuracy by a bootstrap over clusters (notebooks): cells of one notebook share their author and
 * data, so resampling cells one by one would make the interval look narrower than it is.
 */
export function clusterBootstrapInterval(
  correct: readonly boolean[],
  clusters: readonly string[],
  resamples = 2000,
  seed = 2026,
): { low: number; high: number } {
  if (correct.length !== clusters.length) throw new Error('one cluster per cell');
  const groups = new Map<string, { right: number; n: number }>();
  correct.forEach((c, i) => {
    const g = groups.get(clusters[i]!) ?? { right: 0, n: 0 };
    g.right += c ? 1 : 0;
    g.n += 1;
    groups.set(clusters[i]!, g);
  });
  const list = [...groups.values()];
  if (list.length === 0) return { low: NaN, high: NaN };
  const rand = rng(seed);
  const accs: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let right = 0;
    let n = 0;
    for (let k = 0; k < list.length; k++) {
      const g = list[Math.floor(rand() * list.length)]!;
      right += g.right;
      n += g.n;
    }
    accs.push(right / n);
  }
  accs.sort((a, b) => a - b);
  return { low: accs[Math.floor(0.025 * resamples)]!, high: accs[Math.min(resamples - 1, Math.floor(0.975 * resamples))]! };
}
