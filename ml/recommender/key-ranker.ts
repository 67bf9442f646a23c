// Ranks candidate next-statement keys: n-grams over the notebook's keys, a cache of its own keys, and a learned reranker over both.
import { CONTEXT_FEATURES, contextFeatures } from './context-features.ts';
import type { Gbdt } from './gbdt.ts';
import type { Stage } from '../classifier/stages.ts';
import type { KeyCooc } from './key-cooc.ts';
import type { KeyNgram } from './key-ngram.ts';
import { STAGE_FEATURES, type KeyStages } from './key-stages.ts';
import type { NotebookState } from './notebook-state.ts';

export const NONE = '∅';
export const CELL = '<c>';
export const START = '<s>';

/** How keys behave across the corpus, beyond what follows what. */
export interface KeyStatsJson {
  /** Share of a key's uses that repeat an earlier use in the same notebook. */
  repeat: Record<string, number>;
  /** Share of a key's uses that open a cell. */
  opens: Record<string, number>;
}

export interface KeyModels {
  /** 4-gram over the previous statements' keys. */
  ngram: KeyNgram;
  /** The same with cell boundaries in the history (what opens a new cell differs from what continues one). */
  cellNgram: KeyNgram;
  stats: KeyStatsJson;
  /** Which keys share notebooks; absent in model folders counted before it existed. */
  cooc?: KeyCooc;
  /** Where keys sit in the workflow stages; absent in model folders counted before it existed. */
  stages?: KeyStages;
  reranker?: Gbdt;
}

export interface Position {
  state: NotebookState;
  /** The next statement opens a new, still empty cell. */
  first: boolean;
  /** The classifier's stage for the last non-empty cell so far (the badge the user sees); undefined: no classifier. */
  stage?: Stage;
}

/** The last `limit` tokens of the key histories as the n-grams read them: plain, and with cell boundaries. */
export function histories(p: Position, limit = 8): { plain: string[]; marked: string[] } {
  const { keys, keyCells } = p.state;
  const plain: string[] = [];
  const marked: string[] = [];
  if (p.first && keys.length) marked.push(CELL);
  for (let i = keys.length - 1; i >= 0 && (plain.length < limit || marked.length < limit); i--) {
    const tok = keys[i] || NONE;
    if (plain.length < limit) plain.push(tok);
    if (marked.length < limit) marked.push(tok);
    if (i > 0 && keyCells[i] !== keyCells[i - 1] && marked.length < limit) marked.push(CELL);
  }
  if (plain.length < limit) plain.push(START);
  if (marked.length < limit) marked.push(START);
  return { plain: plain.reverse(), marked: marked.reverse() };
}

/** Candidates beyond the n-grams' lists: the notebook's own functions, and keys that share notebooks with its keys. */
const EXTRA_FEATURES = ['own_fn', 'own_fn_age', 'own_fn_calls', 'co_mean', 'co_lift', 'co_max', 'co_rank', 'co_seen'] as const;
/** How many of the co-occurrence list's best keys join the candidates. */
const COOC_POOL = 20;

export const FEATURES = [
  'p_plain', 'p_cell', 'f0', 'f1', 'f2', 'f3', 'g0', 'g1', 'g2', 'g3', 'n0', 'n1', 'n2', 'n3', 'm1', 'm2', 'm3',
  'cache_count', 'cache_dist', 'cell_count', 'is_prev', 'p_cache', 'first', 'position', 'is_import', 'calls',
  'lib_imported', 'method_first', 'repeat', 'opens', 'unigram', 'cell_len', 'rank_plain', 'rank_cell', 'rank_cache',
  'local2', 'local2_share', 'local3', 'local3_share', 'plain2_share',
  'plain3_share', 'skip2_share', 'skip3_share', 'after_last_prev', 'local4_share',
  // Appended, never inserted: a reranker fitted on fewer features reads the same leading columns.
  ...CONTEXT_FEATURES,
  ...EXTRA_FEATURES,
  ...STAGE_FEATURES,
] as const;

export interface Candidate {
  key: string;
  features: number[];
  /** Final score: the reranker's margin, or the 4-gram + cache mixture without one. */
  score: number;
  /** Corpus evidence: uses after the longest matching context, and how often that context was seen. */
  count: number;
  total: number;
}

function isImportKey(key: string): boolean {
  return key.startsWith('import:');
}

/** An import whose every name the notebook already has (`targets`: the alias table's values). */
export function redundantImport(key: string, state: NotebookState, targets: ReadonlySet<string> = new Set(state.aliases.values())): boolean {
  if (!isImportKey(key)) return false;
  return key.split(' ').every((k) => {
    const t = k.slice('import:'.length);
    return targets.has(t) || targets.has(t.split('.')[0] ?? t);
  });
}

function libImported(key: string, roots: ReadonlySet<string>): number {
  const libs = key.split(' ').filter((c) => c && !c.startsWith('.') && c.includes('.') && !isImportKey(c));
  if (!libs.length) return -1;
  return libs.filter((c) => roots.has(c.split('.')[0] ?? c)).length / libs.length;
}

/** What followed the last one and two tokens earlier in this notebook: its own habits (a plot, then the same plot again). */
interface Local {
  after1: Map<string, number>;
  n1: number;
  after2: Map<string, number>;
  n2: number;
  after3: Map<string, number>;
  n3: number;
  /** What came right after the latest earlier occurrence of the last token. */
  lastNext: string | undefined;
}

function localTransitions(seq: readonly string[]): Local {
  const a = seq[seq.length - 1];
  const b = seq[seq.length - 2];
  const c = seq[seq.length - 3];
  const out: Local = { after1: new Map(), n1: 0, after2: new Map(), n2: 0, after3: new Map(), n3: 0, lastNext: undefined };
  for (let i = 0; i + 1 < seq.length; i++) {
    if (seq[i] !== a) continue;
    const next = seq[i + 1]!;
    out.n1++;
    out.after1.set(next, (out.after1.get(next) ?? 0) + 1);
    out.lastNext = next;
    if (i > 0 && seq[i - 1] === b) {
      out.n2++;
      out.after2.set(next, (out.after2.get(next) ?? 0) + 1);
      if (i > 1 && seq[i - 2] === c) {
        out.n3++;
        out.after3.set(next, (out.after3.get(next) ?? 0) + 1);
      }
    }
  }
  return out;
}

const share = (m: ReadonlyMap<string, number>, n: number, key: string) => (n ? (m.get(key) ?? 0) / n : -1);

/** The notebook's whole key sequence, plain and with cell boundaries (as `histories`, unbounded). */
function fullSequences(p: Position): { plain: string[]; marked: string[] } {
  const { keys, keyCells } = p.state;
  const plain = [START];
  const marked = [START];
  keys.forEach((k, i) => {
    if (i > 0 && keyCells[i] !== keyCells[i - 1]) marked.push(CELL);
    plain.push(k || NONE);
    marked.push(k || NONE);
  });
  if (p.first && keys.length) marked.push(CELL);
  return { plain, marked };
}

const CACHE_DECAY = 0.97;

function cacheScores(state: NotebookState): Map<string, number> {
  const out = new Map<string, number>();
  let w = 1;
  let total = 0;
  for (let i = state.keys.length - 1; i >= 0 && i >= state.keys.length - 300; i--) {
    const k = state.keys[i]!;
    if (k) out.set(k, (out.get(k) ?? 0) + w);
    total += w;
    w *= CACHE_DECAY;
  }
  for (const [k, v] of out) out.set(k, v / total);
  return out;
}

export const CACHE_WEIGHT = 0.25;

// A reranker fitted before the context features reads none of them: skip their cost (up to ~2 ms a request) and
// fill the columns. Without a reranker (training rows, the baselines) they are computed.
const SKIPPED_CONTEXT = { of: () => CONTEXT_FEATURES.map(() => 0) };
/** The reranker reads the feature group that starts with `first` (features are only ever appended). */
function reads(reranker: Gbdt | undefined, first: string): boolean {
  return !reranker || reranker.features.length > FEATURES.indexOf(first as (typeof FEATURES)[number]);
}

/** The notebook's own functions a key calls: the latest definition's statement index, and earlier statements calling them. */
function ownCalls(state: NotebookState): (key: string) => { at: number; calls: number } | undefined {
  if (!state.functions.size) return () => undefined;
  const calls = new Map<string, number>();
  for (const k of state.keyCounts.keys())
    for (const c of k.split(' ')) if (state.functions.has(c)) calls.set(c, (calls.get(c) ?? 0) + (state.keyCounts.get(k) ?? 0));
  return (key) => {
    let out: { at: number; calls: number } | undefined;
    for (const c of key.split(' ')) {
      const f = state.functions.get(c);
      if (f && (!out || f.at > out.at)) out = { at: f.at, calls: calls.get(c) ?? 0 };
    }
    return out;
  };
}

export interface RankOptions {
  pool?: number;
  kind?: 'rerank' | 'ngram-cache';
  /** Add the candidates beyond the n-grams (own functions, co-occurrence); default: only when the reranker ranks. */
  extra?: boolean;
}

/** Candidates with their features, scored; the caller renders them best first. */
export function rankKeys(models: KeyModels, p: Position, opts: RankOptions = {}): Candidate[] {
  const pool = opts.pool ?? 40;
  const { plain, marked } = histories(p, models.ngram.order);
  const { state } = p;
  const targets = new Set(state.aliases.values());
  const roots = new Set([...targets].map((t) => t.split('.')[0] ?? t));
  const skip = (k: string) => k === NONE || k === CELL || k === START || redundantImport(k, state, targets);
  const plainList = models.ngram.predict(plain, pool, skip);
  const cellList = models.cellNgram.predict(marked, pool, skip);
  const cache = cacheScores(state);
  const cacheRank = [...state.keyLast].sort((a, b) => b[1] - a[1]).map(([k]) => k).filter((k) => !skip(k)).slice(0, pool);
  const ranks = (list: readonly string[]) => new Map(list.map((k, i) => [k, i]));
  const plainRank = ranks(plainList.map((c) => c.key));
  const cellRank = ranks(cellList.map((c) => c.key));
  const cacheRankOf = ranks(cacheRank);
  const seqs = fullSequences(p);
  const local = localTransitions(seqs.marked);
  const localPlain = localTransitions(seqs.plain);
  const localSkip = localTransitions(seqs.plain.filter((k) => k !== NONE));
  const localKeys = [...local.after1.keys(), ...localSkip.after1.keys()].filter((k) => !skip(k));
  const extra = opts.extra ?? (opts.kind !== 'ngram-cache' && !!models.reranker && reads(models.reranker, EXTRA_FEATURES[0]));
  const co = extra && models.cooc ? models.cooc.scores(state.keyCounts.keys()) : undefined;
  const coRank = ranks(co ? [...co.mean].sort((a, b) => b[1] - a[1]).map(([k]) => k).filter((k) => !skip(k)) : []);
  const ownOf = ownCalls(state);
  const ownKeys = extra ? [...state.functions.keys()].filter((k) => !skip(k)) : [];
  const keys = new Set([...plainRank.keys(), ...cellRank.keys(), ...cacheRank, ...localKeys, ...ownKeys]);
  for (const [k, r] of coRank) if (r < COOC_POOL) keys.add(k);
  const prev = state.keys.at(-1) ?? '';
  const vp = models.ngram.view(plain);
  const vc = models.cellNgram.view(marked);
  const ctxFeatures = [...vp.totals.map((t) => Math.log1p(t)), ...vc.totals.slice(1).map((t) => Math.log1p(t))];
  const cellCounts = new Map<string, number>();
  for (const k of state.cellKeys) cellCounts.set(k, (cellCounts.get(k) ?? 0) + 1);
  const context = reads(models.reranker, CONTEXT_FEATURES[0]) ? contextFeatures(models.ngram, state) : SKIPPED_CONTEXT;
  const stageFeatures = (key: string) => models.stages?.features(key, p.stage) ?? STAGE_FEATURES.map(() => -1);
  const out: Candidate[] = [];
  const n = state.keys.length;
  const extraFeatures = (key: string): number[] => {
    const own = ownOf(key);
    const mean = co?.mean.get(key) ?? 0;
    const prior = models.cooc?.prior(key) ?? -1;
    return [
      own ? 1 : 0,
      own ? Math.log1p(n - own.at) : -1,
      own ? own.calls : -1,
      co ? mean : -1,
      co && prior > 0 ? mean / prior : -1,
      co ? (co.max.get(key) ?? 0) : -1,
      coRank.get(key) ?? 200,
      co ? Math.log1p(co.seen) : -1,
    ];
  };
  for (const key of keys) {
    const sp = vp.prob(key);
    const sc = vc.prob(key);
    const last = state.keyLast.get(key);
    const f = [
      sp.p, sc.p,
      ...vp.perOrder(key),
      ...vc.perOrder(key),
      ...ctxFeatures,
      state.keyCounts.get(key) ?? 0,
      last !== undefined ? Math.log1p(n - last) : 9,
      p.first ? 0 : (cellCounts.get(key) ?? 0),
      key === prev ? 1 : 0,
      cache.get(key) ?? 0,
      p.first ? 1 : 0,
      Math.log1p(n),
      isImportKey(key) ? 1 : 0,
      key.split(' ').length,
      libImported(key, roots),
      key.startsWith('.') ? 1 : 0,
      models.stats.repeat[key] ?? -1,
      models.stats.opens[key] ?? -1,
      Math.log1p(vp.unigram(key)),
      p.first ? 0 : state.cellKeys.length,
      plainRank.get(key) ?? pool,
      cellRank.get(key) ?? pool,
      cacheRankOf.get(key) ?? pool,
      local.after1.get(key) ?? 0,
      local.n1 ? (local.after1.get(key) ?? 0) / local.n1 : -1,
      local.after2.get(key) ?? 0,
      local.n2 ? (local.after2.get(key) ?? 0) / local.n2 : -1,
      share(localPlain.after1, localPlain.n1, key),
      share(localPlain.after2, localPlain.n2, key),
      share(localSkip.after1, localSkip.n1, key),
      share(localSkip.after2, localSkip.n2, key),
      local.lastNext === key ? 1 : 0,
      share(local.after3, local.n3, key),
      ...context.of(key),
      ...extraFeatures(key),
      ...stageFeatures(key),
    ];
    const best = sc.order >= sp.order ? sc : sp;
    // The baseline the issue names: the plain 4-gram interpolated with the notebook's own keys.
    const mix = (1 - CACHE_WEIGHT) * sp.p + CACHE_WEIGHT * (cache.get(key) ?? 0);
    const score = opts.kind !== 'ngram-cache' && models.reranker ? models.reranker.margin(f) : mix;
    out.push({ key, features: f, score, count: best.count, total: best.total });
  }
  return out.sort((a, b) => b.score - a.score);
}
