// What notebooks that made the same calls also made, anywhere in them: P(key in a notebook | another key in it).
// The n-grams see the last few statements; this sees the whole notebook so far, as retrieval of similar notebooks
// would, without storing the notebooks (issue #20: the true key is outside the n-grams' candidates a third of the time).

export interface KeyCoocJson {
  kind: 'key-cooc';
  /** Training notebooks counted. */
  notebooks: number;
  vocab: string[];
  /** Notebooks that use each key. */
  df: number[];
  /** Per key: the keys most often in the same notebooks, as [id, notebooks with both, id, notebooks with both, ...]. */
  next: number[][];
}

export interface CoocScores {
  /** Mean over the notebook's counted keys of P(candidate | that key). */
  mean: Map<string, number>;
  /** The largest of those. */
  max: Map<string, number>;
  /** How many of the notebook's keys were counted. */
  seen: number;
}

export class KeyCooc {
  private readonly ids = new Map<string, number>();

  constructor(private readonly json: KeyCoocJson) {
    json.vocab.forEach((k, i) => this.ids.set(k, i));
  }

  /** Share of notebooks that use the key; -1 when it was too rare to count. */
  prior(key: string): number {
    const i = this.ids.get(key);
    return i === undefined ? -1 : (this.json.df[i] ?? 0) / Math.max(1, this.json.notebooks);
  }

  scores(keys: Iterable<string>): CoocScores {
    const mean = new Map<string, number>();
    const max = new Map<string, number>();
    let seen = 0;
    for (const key of keys) {
      const i = this.ids.get(key);
      if (i === undefined) continue;
      seen++;
      const df = Math.max(1, this.json.df[i] ?? 1);
      const row = this.json.next[i] ?? [];
      for (let j = 0; j + 1 < row.length; j += 2) {
        const k = this.json.vocab[row[j]!]!;
        const p = row[j + 1]! / df;
        mean.set(k, (mean.get(k) ?? 0) + p);
        if (p > (max.get(k) ?? 0)) max.set(k, p);
      }
    }
    if (seen) for (const [k, v] of mean) mean.set(k, v / seen);
    return { mean, max, seen };
  }
}
