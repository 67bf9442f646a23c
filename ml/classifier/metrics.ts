// Accuracy, macro-F1, per-stage precision/recall/F1 and the confusion matrix, plus their plain-text rendering.
import { STAGES, type Stage } from './stages.ts';

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
    lines.push(`${st.padEnd(8)} ${pct(p.precision).padStart(7)} ${pct(p.recall).padStart(7)} ${pct(p.f1).padStart(7)} ${String(p.support).padStart(6)}`);
  }
  lines.push(`confusion (rows gold, columns predicted): ${STAGES.map((x) => x.slice(0, 7).padStart(8)).join('')}`);
  STAGES.forEach((st, i) => lines.push(`${' '.repeat(34)}${st.padEnd(8)}${s.confusion[i]!.map((c) => String(c).padStart(8)).join('')}`));
  return lines.join('\n');
}
