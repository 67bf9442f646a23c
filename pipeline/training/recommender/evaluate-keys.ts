// `gds eval recommender`: the next-line metric (shared/specs/nextline-metric.md) at statements of held-out notebooks, every method side by side.
import { keyOfText } from '../../../ml/recommender/call-key.ts';
import { walkNotebook, type NotebookState } from '../../../ml/recommender/notebook-state.ts';
import { sameCode } from '../../../ml/recommender/same-code.ts';
import { undefinedNames } from '../../../ml/recommender/specialize.ts';
import { releaseParsedTrees } from '../../../ml/python-parser.ts';
import { rng } from '../../../ml/random.ts';
import type { RecNotebook } from './corpus-notebooks.ts';
import { contextBefore } from './statement-context.ts';

/** One method under test: suggestions at a position, given the walked state and the context as the user's text. */
export interface EvalMethod {
  name: string;
  suggest(state: NotebookState, first: boolean, contextCells: () => string[]): Promise<string[]> | string[];
}

export interface Tally {
  n: number;
  api1: number;
  api5: number;
  exact1: number;
  exact5: number;
  /** Suggestions shown, and how many parse / use only names defined before. */
  shown: number;
  valid: number;
  defined: number;
}

export interface Rate {
  value: number;
  low: number;
  high: number;
}

function empty(): Tally {
  return { n: 0, api1: 0, api5: 0, exact1: 0, exact5: 0, shown: 0, valid: 0, defined: 0 };
}

/** Wilson score interval (95 %). */
export function wilson(k: number, n: number): Rate {
  if (n === 0) return { value: 0, low: 0, high: 0 };
  const z = 1.96;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { value: p, low: Math.max(0, c - h), high: Math.min(1, c + h) };
}

export interface EvalSet {
  name: string;
  notebooks: readonly RecNotebook[];
}

export interface EvalResult {
  set: string;
  positions: number;
  notebooks: number;
  /** method → where ('all' | 'new-cell' | 'mid-cell') → tally. */
  tallies: Record<string, Record<string, Tally>>;
}

/** Samples `positions` statements uniformly over the set's scored statements (true key not empty) with a fixed seed. */
async function samplePositions(nbs: readonly RecNotebook[], positions: number, seed: number): Promise<Map<number, Set<number>>> {
  const all: Array<[number, number]> = [];
  for (const [i, nb] of nbs.entries()) {
    if (i % 200 === 0) await releaseParsedTrees();
    let j = 0;
    walkNotebook(nb.cells, (s) => {
      if (s.key) all.push([i, j]);
      j++;
    });
  }
  const r = rng(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  const out = new Map<number, Set<number>>();
  for (const [nb, st] of all.slice(0, positions)) {
    const s = out.get(nb) ?? new Set<number>();
    s.add(st);
    out.set(nb, s);
  }
  return out;
}

export async function evaluateSet(
  set: EvalSet,
  methods: readonly EvalMethod[],
  positions: number,
  seed = 20261206,
  onProgress?: (done: number) => void,
): Promise<EvalResult> {
  const picked = await samplePositions(set.notebooks, positions, seed);
  const tallies: Record<string, Record<string, Tally>> = {};
  for (const m of methods) tallies[m.name] = { all: empty(), 'new-cell': empty(), 'mid-cell': empty() };
  let done = 0;
  for (const [nbIndex, wanted] of [...picked].sort((a, b) => a[0] - b[0])) {
    const nb = set.notebooks[nbIndex]!;
    let j = 0;
    const asks: Array<Promise<void>> = [];
    walkNotebook(nb.cells, (s, state) => {
      if (!wanted.has(j++)) return;
      const aliases = new Map(state.aliases);
      const vars = new Set([...state.defined, ...state.known]);
      const context = () => contextBefore(nb.cells, s);
      for (const m of methods) {
        const got = m.suggest(state, s.first, context);
        const score = (list: string[]) => {
          const top = list.slice(0, 5);
          const keys = top.map((t) => keyOfText(t, aliases)?.join(' ') ?? null);
          const exact = top.map((t) => sameCode(t, s.text));
          for (const where of ['all', s.first ? 'new-cell' : 'mid-cell']) {
            const t = tallies[m.name]![where]!;
            t.n++;
            if (keys[0] === s.key) t.api1++;
            if (keys.includes(s.key)) t.api5++;
            if (exact[0]) t.exact1++;
            if (exact.includes(true)) t.exact5++;
            t.shown += top.length;
            t.valid += keys.filter((k) => k !== null).length;
            t.defined += top.filter((x, i) => keys[i] !== null && undefinedNames(x, { aliases, vars, paths: [], columns: [] }).length === 0).length;
          }
        };
        // The walk goes on after this callback: synchronous methods are scored on the state as it is now.
        if (Array.isArray(got)) score(got);
        else asks.push(got.then(score));
      }
    });
    await Promise.all(asks);
    done += wanted.size;
    onProgress?.(done);
  }
  return { set: set.name, positions: done, notebooks: picked.size, tallies };
}

const pct = (r: Rate) => `${(r.value * 100).toFixed(1)} (${(r.low * 100).toFixed(1)}–${(r.high * 100).toFixed(1)})`;

/** The results as one markdown table: method rows, per set and position kind. */
export function resultTable(results: readonly EvalResult[]): string {
  const rows = ['| set | positions | method | api@1 | api@5 | exact@1 | exact@5 | valid | defined |', '|---|---|---|---|---|---|---|---|---|'];
  for (const r of results) {
    for (const where of ['all', 'new-cell', 'mid-cell']) {
      for (const [method, byWhere] of Object.entries(r.tallies)) {
        const t = byWhere[where]!;
        const share = (k: number, n: number) => (n ? `${((k / n) * 100).toFixed(1)}` : '–');
        rows.push(
          `| ${r.set} | ${where} ${t.n} | ${method} | ${pct(wilson(t.api1, t.n))} | ${pct(wilson(t.api5, t.n))} | ${pct(wilson(t.exact1, t.n))} | ` +
            `${pct(wilson(t.exact5, t.n))} | ${share(t.valid, t.shown)} | ${share(t.defined, t.shown)} |`,
        );
      }
    }
  }
  return rows.join('\n');
}
