// Recommender steps: training (call keys + reranker, or the seq2seq GRUs) and the next-line evaluation.
// `gds train recommender` and `gds eval recommender` are adapters over these; the training code itself is in pipeline/training/recommender.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { CachedClassifier } from '../../../ml/classifier/cached-classifier.ts';
import { loadClassifier } from '../../../ml/classifier/classifier.ts';
import type { Stage } from '../../../ml/classifier/stages.ts';
import { KEY_KINDS, keyRecommender, loadKeyModels, type KeyKind, type KeyModelFiles } from '../../../ml/recommender/key-recommender.ts';
import { loadRecommender, type Recommender } from '../../../ml/recommender/recommender.ts';
import { resolveLabeler } from '../../../ml/recommender/stage-labeler.ts';
import { activeModelDir, installedModelsDir, pythonScriptsDir } from '../../app-paths.ts';
import { keyRecommenderCorpus, seq2seqCorpus, type RecNotebook } from '../../training/recommender/corpus-notebooks.ts';
import { evaluateSet, resultTable, type EvalMethod } from '../../training/recommender/evaluate-keys.ts';
import { trainKeyRecommender } from '../../training/recommender/train-keys.ts';
import { trainRecommender } from '../../training/recommender/train-seq2seq.ts';
import { TRAIN_PROCS_ENV } from '../../training/python-trainer.ts';
import { defineStep, type StepIo } from './step.ts';

const int = (min: number) => z.number().int().min(min);
const noStage = async () => undefined;
const isKeyKind = (k: string): k is KeyKind => (KEY_KINDS as readonly string[]).includes(k);

/** The recommender GDS uses now (installed, else bundled). */
export function defaultRecommenderDir(): string {
  return activeModelDir('recommender');
}

/** `[12s] message` on the step's log, as the command always printed. */
function timedLog(io: StepIo): (m: string) => void {
  const started = Date.now();
  return (m) => io.log(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${m}`);
}

export const trainRecommenderStep = defineStep({
  name: 'train-recommender',
  params: z.strictObject({
    out: z.string().default(() => join(installedModelsDir(), 'recommender')),
    /** keys: call-key n-grams + reranker (the default); seq2seq: the report's GRU models. */
    kind: z.enum(['keys', 'seq2seq']).default('keys'),
    perDataset: int(0).default(50),
    stagePairs: int(0).default(4000),
    singlePairs: int(0).default(8000),
    epochs: int(1).default(2),
    hidden: int(1).default(128),
    emb: int(1).default(48),
    layers: int(1).default(2),
    attn: z.enum(['dot', 'general', 'concat']).default('general'),
    /** seq2seq: stop a sub-model after this many epochs without a better validation loss (0: train every epoch). */
    patience: int(0).default(0),
    /** seq2seq: minutes of training per sub-model at most; keys: minutes of writing reranker rows (0: no limit). */
    maxMinutes: z.number().min(0).default(0),
    evalPairs: int(0).default(600),
    corpus: z.string().optional(),
    db: z.string().optional(),
    /** keys: reuse the counts in `out`; seq2seq: a checkpoint.pt (true: `<out>/checkpoint.pt`'s run, sub-models exported so far kept). */
    resume: z.union([z.string(), z.boolean()]).optional(),
    /** keys: reranker training positions (0: no reranker training data). */
    positions: int(0).default(60000),
    /** PyTorch processes of the seq2seq trainer (torchrun); 1 = one plain Python process. */
    procs: int(1).default(1),
    command: z.string().default('gds train recommender'),
  }),
  async run(p, io): Promise<Record<string, unknown>> {
    const log = timedLog(io);
    const outDir = resolve(p.out);
    if (p.kind === 'keys') {
      const notebooks = await keyRecommenderCorpus({ corpus: p.corpus, db: p.db }, log);
      const resume = p.resume !== undefined && p.resume !== false;
      const manifest = await trainKeyRecommender(notebooks, {
        outDir, positions: p.positions, resume, command: p.command, log, rowMinutes: p.maxMinutes,
      });
      io.out(JSON.stringify(manifest.reranker));
      return { reranker: manifest.reranker };
    }
    // The seq2seq trainer is started by pipeline/training/recommender through runPythonTrainer, which reads the process count here.
    process.env[TRAIN_PROCS_ENV] = String(p.procs);
    const { labeler, name } = await resolveLabeler();
    const { notebooks, origin: corpus } = await seq2seqCorpus({ corpus: p.corpus, db: p.db }, p.perDataset);
    const { metrics, best } = await trainRecommender({
      notebooks, labeler, labelerName: name, corpus,
      outDir, workDir: join(outDir, 'work'), script: join(pythonScriptsDir(), 'train_recommender.py'),
      resume: typeof p.resume === 'string' ? resolve(p.resume) : undefined,
      command: p.command,
      stagePairs: p.stagePairs, singlePairs: p.singlePairs, epochs: p.epochs, hidden: p.hidden,
      emb: p.emb, layers: p.layers, attn: p.attn, evalPairs: p.evalPairs, patience: p.patience, maxMinutes: p.maxMinutes,
      log,
    });
    io.out(JSON.stringify({ best, metrics }));
    return { best, metrics };
  },
});

type StageOf = (cells: string[]) => Promise<Stage | undefined>;

/** A recommender of any format, asked with the cells before the position (and their badge) as `gds suggest` asks it. */
function askedAsTheAppAsks(rec: Recommender, stageOf: StageOf): EvalMethod['suggest'] {
  return async (_state, _first, context) => {
    const cells = context();
    return (await rec.suggest(cells, { top: 5, stage: await stageOf(cells) })).suggestions.map((x) => x.text);
  };
}

/**
 * A key-model kind at walked positions. A reranker with stage features gets the badge the editor would show there;
 * the walk moves on while the classifier answers, so it ranks a copy of the state.
 */
function keyMethod(files: KeyModelFiles, kind: KeyKind, stageOf: StageOf | undefined): EvalMethod['suggest'] {
  const rec = keyRecommender(files, kind);
  const staged = kind === 'rerank' && files.models.stages && stageOf;
  if (!staged) return (state, first) => rec.suggestAt(state, first, { top: 5 }).map((x) => x.text);
  return (state, first, context) => {
    const snap = state.clone();
    return staged(context()).then((stage) => rec.suggestAt(snap, first, { top: 5, stage }).map((x) => x.text));
  };
}

/** The badge of the last non-empty cell, from the active classifier (as the app asks); none installed: no stage. */
async function badgeStageOf(log: (m: string) => void): Promise<StageOf | undefined> {
  try {
    const cached = new CachedClassifier(await loadClassifier(activeModelDir('classifier')));
    return (cells) => cached.stageAfter(cells);
  } catch (e) {
    log(`suggestions without a stage: ${(e as Error).message}`);
    return undefined;
  }
}

export const evalRecommenderStep = defineStep({
  name: 'eval-recommender',
  params: z.strictObject({
    model: z.string().optional(),
    /** Also evaluate this earlier model folder (masked-line n-gram or seq2seq format). */
    previous: z.string().optional(),
    /** Also evaluate the per-stage and single GRU models of this seq2seq folder, each as its own row. */
    seq2seq: z.string().optional(),
    positions: int(1).default(2000),
    corpus: z.string().optional(),
    db: z.string().optional(),
    /** Every notebook of corpus/db, not only its held-out groups. */
    all: z.boolean().default(false),
    /** One JSON line instead of the table. */
    json: z.boolean().default(false),
  }),
  async run(o, io): Promise<{ model: string; results: unknown[] }> {
    const log = timedLog(io);
    const dir = resolve(o.model ?? defaultRecommenderDir());
    const files = loadKeyModels(dir);
    const stageOf = await badgeStageOf(log);
    const methods: EvalMethod[] = [...KEY_KINDS].reverse().map((kind) => ({ name: kind, suggest: keyMethod(files, kind, stageOf) }));
    if (o.previous) {
      const folder = resolve(o.previous);
      const prev = await loadRecommender(folder);
      // A keys folder is asked at the walked position like the model under test (the markdown above each cell included).
      const suggest = isKeyKind(prev.kind) ? keyMethod(loadKeyModels(folder), prev.kind, stageOf) : askedAsTheAppAsks(prev, stageOf ?? noStage);
      methods.unshift({ name: `previous (${prev.kind})`, suggest });
    }
    if (o.seq2seq) {
      const folder = resolve(o.seq2seq);
      for (const kind of ['single', 'per-stage'] as const) {
        methods.unshift({ name: `seq2seq ${kind}`, suggest: askedAsTheAppAsks(await loadRecommender(folder, { kind }), stageOf ?? noStage) });
      }
    }
    const everything = await keyRecommenderCorpus({ corpus: o.corpus, db: o.db }, log);
    let notebooks = everything.filter((nb) => o.all || nb.heldOut);
    if (notebooks.length === 0) {
      // A small corpus may hold out no group: evaluate on what exists, and say that these notebooks were trained on.
      const groups = new Set(everything.map((nb) => nb.group)).size;
      log(`no held-out group among ${groups}: evaluating on all ${everything.length} notebooks, including training data`);
      notebooks = everything;
    }
    const sets = new Map<string, RecNotebook[]>();
    for (const nb of notebooks) {
      const name = o.corpus || o.db ? 'corpus' : nb.group.startsWith('kaggle:') ? 'kaggle held-out' : 'github held-out';
      sets.set(name, [...(sets.get(name) ?? []), nb]);
    }
    const results = [];
    for (const [name, nbs] of sets) {
      log(`${name}: ${nbs.length} notebooks`);
      results.push(await evaluateSet({ name, notebooks: nbs }, methods, o.positions, undefined, (d) => d % 500 < 5 && log(`${name}: ${d} positions`)));
    }
    io.out(o.json ? JSON.stringify({ model: dir, results }) : resultTable(results));
    return { model: dir, results };
  },
});
