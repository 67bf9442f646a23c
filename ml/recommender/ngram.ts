// Baseline: n-gram over whole masked lines (next line given the last 3, 2, 1 or 0 lines) with stupid backoff.
import { LINE_SEP } from './window.ts';
import type { Pair } from './pairs.ts';

export interface NgramJson {
  kind: 'ngram';
  /** `order|context` → [[masked output, count], ...] best first. */
  table: Record<string, Array<[string, number]>>;
}

const BACKOFF = 0.4;

/** The context keys of an input, longest first: all 3 lines, the last 2, the last one, none. */
export function contextKeys(input: readonly string[]): string[] {
  const lines = input.join(' ').split(` ${LINE_SEP} `);
  const keys: string[] = [];
  for (let n = Math.min(3, lines.length); n >= 1; n--) keys.push(`${n}|${lines.slice(-n).join(` ${LINE_SEP} `)}`);
  keys.push('0|');
  return keys;
}

export class LineNgram {
  constructor(private readonly table: Map<string, Array<[string, number]>>) {}

  static train(pairs: readonly Pair[], keepPerContext = 10, minContextCount = 2): LineNgram {
    const counts = new Map<string, Map<string, number>>();
    for (const p of pairs) {
      const out = p.output.join(' ');
      for (const key of contextKeys(p.input)) {
        const m = counts.get(key) ?? new Map<string, number>();
        m.set(out, (m.get(out) ?? 0) + 1);
        counts.set(key, m);
      }
    }
    const table = new Map<string, Array<[string, number]>>();
    for (const [key, m] of counts) {
      const total = [...m.values()].reduce((a, b) => a + b, 0);
      if (total < minContextCount && !key.startsWith('0|')) continue;
      table.set(key, [...m].sort((a, b) => b[1] - a[1]).slice(0, key.startsWith('0|') ? 200 : keepPerContext));
    }
    return new LineNgram(table);
  }

  static fromJson(json: NgramJson): LineNgram {
    return new LineNgram(new Map(Object.entries(json.table)));
  }

  toJson(): NgramJson {
    return { kind: 'ngram', table: Object.fromEntries(this.table) };
  }

  /** Distinct masked lines (tokens joined by spaces), best first, with backed-off relative frequencies. */
  predict(input: readonly string[], top: number): Array<{ line: string; score: number }> {
    const scores = new Map<string, number>();
    let weight = 1;
    for (const key of contextKeys(input)) {
      const row = this.table.get(key);
      if (row) {
        const total = row.reduce((a, [, c]) => a + c, 0);
        for (const [line, c] of row) if (!scores.has(line)) scores.set(line, (weight * c) / total);
      }
      weight *= BACKOFF;
      if (scores.size >= top * 4) break;
    }
    return [...scores].sort((a, b) => b[1] - a[1]).slice(0, top).map(([line, score]) => ({ line, score }));
  }
}
