// Gradient-boosted trees exported from scikit-learn's HistGradientBoostingClassifier, evaluated in TypeScript (no native code).

export interface TreeJson {
  /** Per node: feature index (-1 for a leaf), threshold, left, right, value, whether a missing value goes left. */
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
  missingLeft: number[];
}

export interface GbdtJson {
  kind: 'gbdt';
  features: string[];
  baseline: number;
  trees: TreeJson[];
}

export class Gbdt {
  constructor(private readonly json: GbdtJson) {}

  get features(): readonly string[] {
    return this.json.features;
  }

  /** Raw margin (log-odds) of one feature row. */
  margin(x: ArrayLike<number>): number {
    let sum = this.json.baseline;
    for (const t of this.json.trees) {
      let n = 0;
      while (t.feature[n]! >= 0) {
        const v = x[t.feature[n]!]!;
        const goLeft = Number.isNaN(v) ? t.missingLeft[n] === 1 : v <= t.threshold[n]!;
        n = goLeft ? t.left[n]! : t.right[n]!;
      }
      sum += t.value[n]!;
    }
    return sum;
  }
}
