// Counts what the corpus did next, statement by statement: the key n-grams, how keys repeat and open cells, and templates.
import { KeyNgram } from '../../../ml/recommender/key-ngram.ts';
import { histories, type KeyModels, type KeyStatsJson } from '../../../ml/recommender/key-ranker.ts';
import { walkNotebook } from '../../../ml/recommender/notebook-state.ts';
import { TemplateMiner } from '../../../ml/recommender/render.ts';
import type { RecNotebook } from './corpus-notebooks.ts';

export const ORDER = 4;

/** One statement of a notebook: its code cell's index and its call key ('' when it calls nothing). */
export interface CellKey {
  cell: number;
  key: string;
}

export class KeyCounts {
  readonly ngram = new KeyNgram(ORDER);
  readonly cellNgram = new KeyNgram(ORDER);
  private readonly uses = new Map<string, { n: number; repeats: number; opens: number }>();
  statements = 0;

  constructor(readonly templates?: TemplateMiner) {}

  /** Counts one notebook into every table of `targets` with a single walk; returns its statements' cells and keys. */
  static add(nb: RecNotebook, targets: readonly KeyCounts[]): CellKey[] {
    const seen = new Set<string>();
    const out: CellKey[] = [];
    walkNotebook(nb.cells, (s, state) => {
      out.push({ cell: s.cell, key: s.key });
      const { plain, marked } = histories({ state, first: s.first });
      const token = s.key || '∅';
      for (const t of targets)
        t.count(plain, marked, token, s.key ? { repeat: seen.has(s.key), first: s.first, template: s.template, group: nb.group } : undefined);
      if (s.key) seen.add(s.key);
    });
    return out;
  }

  private count(plain: string[], marked: string[], token: string, use?: { repeat: boolean; first: boolean; template: string; group: string }): void {
    this.ngram.add(plain, token);
    this.cellNgram.add(marked, token);
    this.statements++;
    if (!use) return;
    const u = this.uses.get(token) ?? { n: 0, repeats: 0, opens: 0 };
    u.n++;
    if (use.repeat) u.repeats++;
    if (use.first) u.opens++;
    this.uses.set(token, u);
    this.templates?.add(token, use.template, use.group);
  }

  stats(minUses = 5): KeyStatsJson {
    const out: KeyStatsJson = { repeat: {}, opens: {} };
    for (const [k, u] of this.uses) {
      if (u.n < minUses) continue;
      out.repeat[k] = Math.round((u.repeats / u.n) * 1000) / 1000;
      out.opens[k] = Math.round((u.opens / u.n) * 1000) / 1000;
    }
    return out;
  }

  /** Contexts seen at least 3 times, 20 continuations each: what a shipped model can afford (≤ 40 MB in all). */
  prune(): void {
    this.ngram.prune(3, 20);
    this.cellNgram.prune(3, 20);
  }

  /** Each statement's cell and key, without counting (a resumed run that lacks the co-occurrence or stage table). */
  static keysOf(nb: RecNotebook): CellKey[] {
    const out: CellKey[] = [];
    walkNotebook(nb.cells, (s) => void out.push({ cell: s.cell, key: s.key }));
    return out;
  }

  models(): KeyModels {
    return { ngram: this.ngram, cellNgram: this.cellNgram, stats: this.stats() };
  }
}
