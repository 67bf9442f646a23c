// Next-line suggestions: mask the notebook, pick the stage, decode masked lines, write them back in the user's names.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Suggestion } from '../../preload/contract.ts';
import { STAGES, type Stage } from '../classifier/stages.ts';
import { readJsonFile, unwalkedRecord } from '../read-json-file.ts';
import { beamSearch, loadSeq2Seq, type Seq2SeqModel } from './beam-search.ts';
import { maskNotebook, type MaskContext } from './mask.ts';
import { LineNgram } from './ngram.ts';
import { modelInput, stageToken } from './pairs.ts';
import { specialize } from './specialize.ts';
import { ruleLabelCells } from './keyword-stage-rule.ts';
import { defaultLabeler, type CellLabeler } from './stage-labeler.ts';
import { contextWindow, MAX_LEN } from './window.ts';
import { KEY_KINDS, keyRecommender, loadKeyModels, type KeyKind, type KeySuggestOptions } from './key-recommender.ts';

function isKeyKind(k: unknown): k is KeyKind {
  return (KEY_KINDS as readonly unknown[]).includes(k);
}

/** The statement-key recommender behind the same interface; the stage shown is the caller's (the badge), else the labeler's. */
async function loadKeyRecommender(
  modelDir: string,
  manifest: RecommenderManifest,
  opts: { kind?: RecommenderKind; labeler?: CellLabeler },
): Promise<Recommender> {
  const kind = opts.kind ?? manifest.default;
  if (!isKeyKind(kind)) throw new Error(`${join(modelDir, 'manifest.json')}: kind '${kind}' is not one of ${KEY_KINDS.join(', ')}`);
  const rec = keyRecommender(loadKeyModels(modelDir), kind);
  const labeler = opts.labeler ?? (await defaultLabeler());
  return {
    kind,
    async suggest(cells, o) {
      const filled = cells.filter((c) => c.trim());
      const stage = o.stage ?? (filled.length ? (labeler(filled).at(-1) ?? 'explore') : 'import');
      const suggestions = rec.suggest(cells, o).map((x) => ({ text: x.text, score: x.score, key: x.key, evidence: x.evidence }));
      return { stage, suggestions };
    },
  };
}

export type RecommenderKind = 'per-stage' | 'single' | 'ngram' | KeyKind;

/** One next-line chip: the contract's definition (preload/contract.ts), which the app sends as is. */
export type { Suggestion };

/** Options of one request: the badge's stage, the kernel's columns, readable files, this user's feedback. */
export type SuggestOptions = KeySuggestOptions;

export interface SuggestResult {
  stage: Stage;
  suggestions: Suggestion[];
}

export interface Recommender {
  kind: RecommenderKind;
  suggest(cells: readonly string[], opts: SuggestOptions): Promise<SuggestResult>;
}

export interface RecommenderManifest {
  /** 'keys-v2': the statement-key recommender (key n-grams, templates, reranker); absent: masked lines + seq2seq. */
  format?: string;
  default: RecommenderKind;
  [key: string]: unknown;
}

const RECOMMENDER_KINDS = ['per-stage', 'single', 'ngram', ...KEY_KINDS] as const satisfies readonly RecommenderKind[];

const ManifestSchema = z.looseObject({
  format: z.string().optional(),
  default: z.enum(RECOMMENDER_KINDS),
  labeler: z.string().optional(),
}) satisfies z.ZodType<RecommenderManifest, unknown>;

/** The older masked-line models' n-gram (ngram.json); its table is walked when used, not at load. */
const NgramSchema = z.object({ kind: z.literal('ngram'), table: unwalkedRecord<Record<string, Array<[string, number]>>>() });

interface Candidate {
  line: string;
  score: number;
}

function isRedundantImport(code: string, ctx: MaskContext): boolean {
  if (!/^\s*(import|from)\s/.test(code)) return false;
  const probe = maskNotebook([code]).ctx;
  return [...probe.aliases].every(([local, target]) => ctx.aliases.get(local) === target);
}

/** Loads the default model of `modelDir` (manifest.json's `default`), or the one named by `kind`. */
export async function loadRecommender(modelDir: string, opts: { kind?: RecommenderKind; labeler?: CellLabeler } = {}): Promise<Recommender> {
  const manifest = readJsonFile(join(modelDir, 'manifest.json'), ManifestSchema);
  if (manifest.format === 'keys-v2') return loadKeyRecommender(modelDir, manifest, opts);
  const kind = opts.kind ?? manifest.default;
  const templates = readJsonFile(join(modelDir, 'templates.json'), z.record(z.string(), z.string()));
  const ngram = LineNgram.fromJson(readJsonFile(join(modelDir, 'ngram.json'), NgramSchema));
  // Stages at inference must come from the labeler the models were trained with.
  const labeler = opts.labeler ?? (manifest.labeler === 'recommender/stage-rule' ? ruleLabelCells : await defaultLabeler());
  const models = new Map<Stage | 'single', Seq2SeqModel>();
  if (kind === 'single') models.set('single', await loadSeq2Seq(join(modelDir, 'single')));
  if (kind === 'per-stage') {
    for (const s of STAGES)
      if (existsSync(join(modelDir, 'stages', s, 'encoder.onnx'))) models.set(s, await loadSeq2Seq(join(modelDir, 'stages', s)));
  }

  async function modelCandidates(input: string[], stage: Stage, top: number): Promise<Candidate[]> {
    const model = kind === 'single' ? models.get('single') : models.get(stage);
    if (!model) return [];
    const src = kind === 'single' ? [stageToken(stage), ...input] : input;
    const hyps = await beamSearch(model, src, { beam: Math.max(6, top + 3), top: top * 3, maxLen: MAX_LEN + 1 });
    return hyps.map((h) => ({ line: h.tokens.join(' '), score: Math.exp(h.logp) }));
  }

  return {
    kind,
    async suggest(cells, { top }) {
      const { lines, ctx } = maskNotebook(cells);
      const stages = labeler([...cells]);
      const lastCell = lines.at(-1)?.cell ?? cells.length - 1;
      const stage = (lines.length ? stages[lastCell] : 'import') ?? 'explore';
      const window = contextWindow(lines);
      const input = modelInput(window.input);
      // The n-gram fills in when the network's candidates cannot be written back as valid code.
      const ngramCands = ngram.predict(input, top * 4).map((c) => ({ line: c.line, score: c.score * 0.1 }));
      const candidates = kind === 'ngram' ? ngram.predict(input, top * 4) : [...(await modelCandidates(input, stage, top)), ...ngramCands];
      const seen = new Set<string>();
      const suggestions: Suggestion[] = [];
      for (const c of candidates) {
        const template = templates[c.line];
        if (!template) continue;
        const text = specialize(template, window.names, ctx);
        if (!text || seen.has(text) || isRedundantImport(text, ctx)) continue;
        seen.add(text);
        suggestions.push({ text, score: Math.round(c.score * 10000) / 10000 });
        if (suggestions.length >= top) break;
      }
      return { stage, suggestions };
    },
  };
}
