// The statement-key recommender: rank what the corpus did next at a similar point, then write it in the user's names.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MARKDOWN_CHARS } from '../../preload/contract.ts';
import type { Stage } from '../classifier/stages.ts';
import { readJsonFile } from '../read-json-file.ts';
import { topStatements } from './call-key.ts';
import { Gbdt } from './gbdt.ts';
import { GbdtSchema, KeyCoocSchema, KeyNgramSchema, KeyStagesSchema, KeyStatsSchema, TemplatesSchema } from './key-model-schemas.ts';
import { KeyCooc } from './key-cooc.ts';
import { KeyStages, type KeyStagesJson } from './key-stages.ts';
import { KeyNgram } from './key-ngram.ts';
import { FEATURES, rankKeys, type KeyModels } from './key-ranker.ts';
import { walkNotebook, type NotebookCell, type NotebookState } from './notebook-state.ts';
import { renderTemplate, TemplateStore, type RenderContext } from './render.ts';

export const KEY_KINDS = ['rerank', 'ngram-cache', 'bigram', 'most-frequent'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export interface KeySuggestion {
  text: string;
  score: number;
  /** The suggestion's call key, as the metric writes it. */
  key: string;
  /** How often the corpus did this after the longest matching context, out of how many times it was there. */
  evidence: { count: number; total: number };
}

export interface KeySuggestOptions {
  top: number;
  /** The stage the badge shows for the cell (from the classifier), when the caller has it. */
  stage?: Stage;
  columns?: readonly string[];
  files?: readonly string[];
  /** Per-key score offsets learned from this user's accepts and dismissals. */
  bias?: ReadonlyMap<string, number>;
  /** Per cell given as a string, the markdown just above it (cells given as objects carry their own). */
  markdown?: readonly string[];
}

export interface KeyRecommender {
  kind: KeyKind;
  /** Suggestions at the end of `cells` (the last one is the cell being typed; empty: a new cell). */
  suggest(cells: readonly (string | NotebookCell)[], opts: KeySuggestOptions): KeySuggestion[];
  /** Suggestions for a walked context (evaluation and training walk once and ask at every statement). */
  suggestAt(state: NotebookState, first: boolean, opts: KeySuggestOptions): KeySuggestion[];
}

export interface KeyModelFiles {
  models: KeyModels;
  templates: TemplateStore;
}

/**
 * Trees address features by column index: a reranker fitted on an older feature list still works while its names are
 * a prefix of today's (features are only ever appended); anything else would score silently wrong, so it is refused.
 */
function checkedReranker(g: Gbdt, path: string): Gbdt {
  const ok = g.features.length <= FEATURES.length && g.features.every((f, i) => f === FEATURES[i]);
  if (!ok) throw new Error(`${path}: its features are not a prefix of ml/recommender/key-ranker.ts FEATURES (retrain the reranker)`);
  return g;
}

function keyStages(json: KeyStagesJson, path: string): KeyStages {
  try {
    return new KeyStages(json);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/** A model folder's files; the reranker is optional (a folder counted but not yet reranked ranks by the n-grams). */
export function loadKeyModels(dir: string): KeyModelFiles {
  const rerankerPath = join(dir, 'reranker.json');
  const coocPath = join(dir, 'key-cooc.json');
  const stagesPath = join(dir, 'key-stages.json');
  return {
    models: {
      ngram: KeyNgram.fromJson(readJsonFile(join(dir, 'key-ngram.json'), KeyNgramSchema)),
      cellNgram: KeyNgram.fromJson(readJsonFile(join(dir, 'cell-ngram.json'), KeyNgramSchema)),
      stats: readJsonFile(join(dir, 'key-stats.json'), KeyStatsSchema),
      cooc: existsSync(coocPath) ? new KeyCooc(readJsonFile(coocPath, KeyCoocSchema)) : undefined,
      stages: existsSync(stagesPath) ? keyStages(readJsonFile(stagesPath, KeyStagesSchema), stagesPath) : undefined,
      reranker: existsSync(rerankerPath) ? checkedReranker(new Gbdt(readJsonFile(rerankerPath, GbdtSchema)), rerankerPath) : undefined,
    },
    templates: TemplateStore.fromJson(readJsonFile(join(dir, 'templates.json'), TemplatesSchema)),
  };
}

/** The cell being typed may end mid-statement: drop trailing lines until the rest parses. */
function settle(source: string): string {
  const lines = source.split('\n');
  for (let cut = lines.length; cut > 0 && lines.length - cut < 20; cut--) {
    const text = lines.slice(0, cut).join('\n');
    if (topStatements(text)) return text;
  }
  return '';
}

// States after the earlier cells of recent requests, by a hash of those cells: typing in a cell re-walks only that cell.
const walked = new Map<string, NotebookState>();
const MAX_WALKED = 8;

function walkCached(cells: readonly NotebookCell[]): NotebookState {
  const h = createHash('sha1');
  const prefixes = [h.copy().digest('hex')];
  for (const c of cells)
    prefixes.push(
      h
        .update(`${c.markdown ?? ''}\u0001${c.source}\u0000`)
        .copy()
        .digest('hex'),
    );
  // The longest run of leading cells whose state is known; the cell being typed is walked fresh.
  let from = 0;
  let base: NotebookState | undefined;
  for (let j = cells.length - 1; j > 0 && !base; j--) {
    const hit = walked.get(prefixes[j]!);
    if (hit) [from, base] = [j, hit];
  }
  const earlier = cells.slice(0, -1);
  const state = walkNotebook(earlier, undefined, base ? base.clone() : undefined, from);
  if (earlier.length) {
    walked.delete(prefixes[earlier.length]!);
    walked.set(prefixes[earlier.length]!, state.clone());
    if (walked.size > MAX_WALKED) walked.delete(walked.keys().next().value!);
  }
  const last = cells.at(-1);
  return last ? walkNotebook([...earlier, last], undefined, state, earlier.length) : state;
}

function ranked(
  files: KeyModelFiles,
  kind: KeyKind,
  state: NotebookState,
  first: boolean,
  stage: Stage | undefined,
): Array<{ key: string; score: number; count: number; total: number }> {
  const { ngram } = files.models;
  if (kind === 'rerank' || kind === 'ngram-cache') return rankKeys(files.models, { state, first, stage }, { kind });
  const history = kind === 'bigram' ? ['<s>', ...state.keys.map((k) => k || '∅')] : [];
  const rows = ngram.predictOrder(history, kind === 'bigram' ? 1 : 0, 60);
  return rows.filter((r) => r.key !== '∅' && r.key !== '<c>').map((r) => ({ key: r.key, score: r.p, count: r.count, total: r.total }));
}

export function keyRecommender(files: KeyModelFiles, kind: KeyKind): KeyRecommender {
  const suggestAt = (state: NotebookState, first: boolean, opts: KeySuggestOptions): KeySuggestion[] => {
    const ctx: RenderContext = { state, columns: opts.columns, files: opts.files };
    let list = ranked(files, kind, state, first, opts.stage);
    // The reranker scores log-odds (offsets add); the others score probabilities (offsets scale).
    const adjust = (score: number, b: number) => (kind === 'rerank' ? score + b : score * Math.exp(2 * b));
    if (opts.bias?.size) list = list.map((c) => ({ ...c, score: adjust(c.score, opts.bias!.get(c.key) ?? 0) })).sort((a, b) => b.score - a.score);
    const out: KeySuggestion[] = [];
    const seen = new Set<string>();
    for (const c of list) {
      if (out.length >= opts.top) break;
      // A key the notebook already wrote is written as it wrote it last (people repeat their own arguments and style:
      // exact@5 +2 points held out, docs/EVALUATION.md); a call of its own function else from its parameters, never as
      // a corpus function of the same name; any other key as the corpus wrote it most.
      const own = state.keyTemplate.get(c.key);
      const fn = state.functions.get(c.key)?.template;
      let text = own === undefined ? undefined : renderTemplate(own, c.key, ctx);
      if (text === undefined) text = fn ? renderTemplate(fn, c.key, ctx) : files.templates.render(c.key, ctx);
      if (text === undefined || seen.has(text)) continue;
      seen.add(text);
      // A probability-like score for every kind: the reranker's margin through the logistic function.
      const p = kind === 'rerank' && files.models.reranker ? 1 / (1 + Math.exp(-c.score)) : Math.min(1, c.score);
      out.push({ text, score: Number(Math.max(p, 1e-9).toPrecision(4)), key: c.key, evidence: { count: c.count, total: c.total } });
    }
    return out;
  };
  return {
    kind,
    suggestAt,
    suggest(cells, opts) {
      const list: NotebookCell[] = cells.map((c, i) => (typeof c === 'string' ? { source: c, markdown: opts.markdown?.[i]?.slice(-MARKDOWN_CHARS) } : c));
      const last = list.at(-1);
      const first = !last || last.source.trim() === '';
      if (last && !first) list[list.length - 1] = { ...last, source: settle(last.source) };
      const state = walkCached(first && last ? list.slice(0, -1) : list);
      if (first) state.startCell(last?.markdown ?? '');
      return suggestAt(state, first, opts);
    },
  };
}
