// Interpolated (Witten-Bell) n-gram over statement call keys: P(next key | the keys before), with counts kept for evidence.

/** One context's row: how often it was seen, how many different keys followed, and the most frequent of them. */
interface Row {
  total: number;
  types: number;
  next: Map<number, number>;
}

export interface KeyNgramJson {
  kind: 'key-ngram';
  order: number;
  vocab: string[];
  /** Per context length 0..order-1: context ids joined by spaces → [total, types, id, count, id, count, ...]. */
  tables: Array<Record<string, number[]>>;
}

export interface KeyScore {
  key: string;
  /** Interpolated probability. */
  p: number;
  /** Longest context that has seen this key, and the counts there (evidence shown on the chip). */
  order: number;
  count: number;
  total: number;
}

/** Questions about one history, its context rows looked up once. */
export interface NgramView {
  prob(key: string): KeyScore;
  /** Relative frequency after each context length (-1 where the context is unseen). */
  perOrder(key: string): number[];
  /** How often each context length was seen. */
  totals: number[];
  unigram(key: string): number;
}

export class KeyNgram {
  private readonly ids = new Map<string, number>();
  private readonly tables: Array<Map<string, Row>>;

  constructor(
    readonly order: number,
    readonly vocab: string[] = [],
  ) {
    vocab.forEach((k, i) => this.ids.set(k, i));
    this.tables = Array.from({ length: order }, () => new Map<string, Row>());
  }

  private id(key: string, create: boolean): number | undefined {
    let i = this.ids.get(key);
    if (i === undefined && create) {
      i = this.vocab.push(key) - 1;
      this.ids.set(key, i);
    }
    return i;
  }

  /** Context keys of lengths 0..order-1 (the last `n` tokens of `history`), as table keys; undefined past an unknown token. */
  private contexts(history: readonly string[], create: boolean): Array<string | undefined> {
    const out: Array<string | undefined> = [''];
    const ids: number[] = [];
    for (let n = 1; n < this.order; n++) {
      const tok = history[history.length - n];
      if (tok === undefined) break;
      const i = this.id(tok, create);
      if (i === undefined) break;
      ids.unshift(i);
      out.push(ids.join(' '));
    }
    return out;
  }

  add(history: readonly string[], next: string): void {
    const nid = this.id(next, true)!;
    this.contexts(history, true).forEach((ctx, n) => {
      if (ctx === undefined) return;
      const table = this.tables[n]!;
      let row = table.get(ctx);
      if (!row) table.set(ctx, (row = { total: 0, types: 0, next: new Map() }));
      const c = row.next.get(nid) ?? 0;
      if (c === 0) row.types++;
      row.next.set(nid, c + 1);
      row.total++;
    });
  }

  /** Drops rare contexts (seen fewer than `minTotal` times, unigram kept) and keeps the `keep` most frequent continuations of each. */
  prune(minTotal: number, keep: number, keepUnigram = 5000): void {
    this.tables.forEach((table, n) => {
      for (const [ctx, row] of table) {
        if (n > 0 && row.total < minTotal) table.delete(ctx);
        else row.next = new Map([...row.next].sort((a, b) => b[1] - a[1]).slice(0, n === 0 ? keepUnigram : keep));
      }
    });
  }

  /** Interpolated scores of the keys seen after any suffix of `history`, best first. */
  predict(history: readonly string[], top: number, exclude?: (key: string) => boolean): KeyScore[] {
    const rows = this.contexts(history, false).map((ctx, n) => (ctx === undefined ? undefined : this.tables[n]!.get(ctx)));
    const cands = new Set<number>();
    // Rows hold continuations most frequent first (prune sorts them): stop once enough are pooled.
    for (let n = rows.length - 1; n >= 0 && cands.size < top * 3; n--) {
      const row = rows[n];
      if (!row) continue;
      for (const id of row.next.keys()) {
        if (cands.size >= top * 3) break;
        cands.add(id);
      }
    }
    const out: KeyScore[] = [];
    for (const id of cands) {
      const key = this.vocab[id]!;
      if (exclude?.(key)) continue;
      out.push(this.score(rows, id, key));
    }
    return out.sort((a, b) => b.p - a.p).slice(0, top);
  }

  /** Relative frequencies after the last `n` keys alone, filled up from shorter contexts (stupid backoff): the bigram and unigram baselines. */
  predictOrder(history: readonly string[], n: number, top: number): KeyScore[] {
    const ctxs = this.contexts(history, false);
    const scores = new Map<string, KeyScore>();
    let weight = 1;
    for (let o = Math.min(n, ctxs.length - 1); o >= 0 && scores.size < top; o--) {
      const ctx = ctxs[o];
      const row = ctx === undefined ? undefined : this.tables[o]!.get(ctx);
      if (row) {
        for (const [id, c] of row.next) {
          const key = this.vocab[id]!;
          if (!scores.has(key)) scores.set(key, { key, p: (weight * c) / row.total, order: o, count: c, total: row.total });
        }
      }
      weight *= 0.4;
    }
    return [...scores.values()].sort((a, b) => b.p - a.p).slice(0, top);
  }

  /** The history's context rows resolved once: every question about one position asks this view. */
  view(history: readonly string[]): NgramView {
    const rows = this.contexts(history, false).map((ctx, n) => (ctx === undefined ? undefined : this.tables[n]!.get(ctx)));
    while (rows.length < this.order) rows.push(undefined);
    return {
      prob: (key) => {
        const id = this.ids.get(key);
        return id === undefined ? { key, p: 0, order: -1, count: 0, total: 0 } : this.score(rows, id, key);
      },
      perOrder: (key) => {
        const id = this.ids.get(key);
        return rows.map((row) => (!row ? -1 : id === undefined ? 0 : (row.next.get(id) ?? 0) / row.total));
      },
      totals: rows.map((row) => row?.total ?? 0),
      unigram: (key) => {
        const id = this.ids.get(key);
        return id === undefined ? 0 : (this.tables[0]!.get('')?.next.get(id) ?? 0);
      },
    };
  }

  /** P(key | history) under interpolation, for any key (0 when never seen). */
  prob(history: readonly string[], key: string): KeyScore {
    const id = this.ids.get(key);
    const rows = this.contexts(history, false).map((ctx, n) => (ctx === undefined ? undefined : this.tables[n]!.get(ctx)));
    return id === undefined ? { key, p: 0, order: -1, count: 0, total: 0 } : this.score(rows, id, key);
  }

  /** Relative frequency of `key` after each context length (-1 where the context is unseen): reranker features. */
  perOrder(history: readonly string[], key: string): number[] {
    const id = this.ids.get(key);
    return this.contexts(history, false).map((ctx, n) => {
      const row = ctx === undefined ? undefined : this.tables[n]!.get(ctx);
      if (!row) return -1;
      return id === undefined ? 0 : (row.next.get(id) ?? 0) / row.total;
    }).concat(Array(Math.max(0, this.order - 1 - history.length)).fill(-1)).slice(0, this.order);
  }

  /** How often each context length was seen (0 where unseen). */
  contextTotals(history: readonly string[]): number[] {
    const out = this.contexts(history, false).map((ctx, n) => (ctx === undefined ? 0 : (this.tables[n]!.get(ctx)?.total ?? 0)));
    while (out.length < this.order) out.push(0);
    return out;
  }

  private score(rows: ReadonlyArray<Row | undefined>, id: number, key: string): KeyScore {
    const uni = rows[0];
    let p = uni ? ((uni.next.get(id) ?? 0) + 0.5) / (uni.total + 0.5 * this.vocab.length) : 0;
    let best = { order: -1, count: 0, total: 0 };
    for (let n = 1; n < rows.length; n++) {
      const row = rows[n];
      if (!row) continue;
      const c = row.next.get(id) ?? 0;
      p = (c + row.types * p) / (row.total + row.types);
      if (c > 0) best = { order: n, count: c, total: row.total };
    }
    if (best.order < 0 && uni) best = { order: 0, count: uni.next.get(id) ?? 0, total: uni.total };
    return { key, p, ...best };
  }

  toJson(): KeyNgramJson {
    const used = new Set<number>();
    for (const t of this.tables) for (const [ctx, row] of t) {
      for (const i of ctx ? ctx.split(' ') : []) used.add(Number(i));
      for (const i of row.next.keys()) used.add(i);
    }
    const remap = new Map<number, number>();
    const vocab: string[] = [];
    for (const i of [...used].sort((a, b) => a - b)) remap.set(i, vocab.push(this.vocab[i]!) - 1);
    const tables = this.tables.map((t) => {
      const o: Record<string, number[]> = {};
      for (const [ctx, row] of t) {
        const k = ctx ? ctx.split(' ').map((i) => remap.get(Number(i))).join(' ') : '';
        o[k] = [row.total, row.types, ...[...row.next].flatMap(([i, c]) => [remap.get(i)!, c])];
      }
      return o;
    });
    return { kind: 'key-ngram', order: this.order, vocab, tables };
  }

  static fromJson(json: KeyNgramJson): KeyNgram {
    const m = new KeyNgram(json.order, [...json.vocab]);
    json.tables.forEach((t, n) => {
      for (const [ctx, v] of Object.entries(t)) {
        const next = new Map<number, number>();
        for (let i = 2; i + 1 < v.length; i += 2) next.set(v[i]!, v[i + 1]!);
        m.tables[n]!.set(ctx, { total: v[0] ?? 0, types: v[1] ?? 0, next });
      }
    });
    return m;
  }
}
