// Counts which keys share notebooks (ml/recommender/key-cooc.ts): one key set per training notebook, then pairs.
import type { KeyCoocJson } from '../../../ml/recommender/key-cooc.ts';

/** Keys used by at least this many notebooks are counted, at most MAX_VOCAB of them (the pair table is dense). */
const MIN_NOTEBOOKS = 15;
const MAX_VOCAB = 6000;
/** Neighbours kept per key: what a shipped model can afford (a few MB). */
const KEEP = 40;

export class KeyCoocCounter {
  private readonly ids = new Map<string, number>();
  private readonly vocab: string[] = [];
  private readonly sets: Uint32Array[] = [];

  addNotebook(keys: Iterable<string>): void {
    const ids: number[] = [];
    for (const k of keys) {
      if (!k) continue;
      let i = this.ids.get(k);
      if (i === undefined) {
        i = this.vocab.push(k) - 1;
        this.ids.set(k, i);
      }
      ids.push(i);
    }
    this.sets.push(Uint32Array.from(new Set(ids)));
  }

  toJson(): KeyCoocJson {
    const df = new Uint32Array(this.vocab.length);
    for (const s of this.sets) for (const i of s) df[i]!++;
    const kept = [...df.keys()]
      .filter((i) => df[i]! >= MIN_NOTEBOOKS)
      .sort((a, b) => df[b]! - df[a]! || a - b)
      .slice(0, MAX_VOCAB);
    const dense = new Int32Array(this.vocab.length).fill(-1);
    kept.forEach((i, j) => (dense[i] = j));
    const v = kept.length;
    const pairs = new Uint32Array(v * v);
    for (const s of this.sets) {
      const js = [...s].map((i) => dense[i]!).filter((j) => j >= 0);
      for (const a of js) for (const b of js) if (a !== b) pairs[a * v + b]!++;
    }
    const next = kept.map((_, a) => {
      const row = pairs.subarray(a * v, (a + 1) * v);
      const top = [...row.keys()]
        .filter((b) => row[b]! > 1)
        .sort((x, y) => row[y]! - row[x]! || x - y)
        .slice(0, KEEP);
      return top.flatMap((b) => [b, row[b]!]);
    });
    return { kind: 'key-cooc', notebooks: this.sets.length, vocab: kept.map((i) => this.vocab[i]!), df: kept.map((i) => df[i]!), next };
  }
}
