// `gds train recommender`: builds pairs, trains per-stage + single seq2seq models and the n-gram, evaluates all on held-out datasets, writes model folders.
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { STAGES, type Stage } from '../../../ml/classifier/stages.ts';
import { parseJson, readJsonFile } from '../../../ml/read-json-file.ts';
import { loadSeq2Seq, type Seq2SeqModel } from '../../../ml/recommender/beam-search.ts';
import { LineNgram } from '../../../ml/recommender/ngram.ts';
import { keepTopOutputs, mineTemplates, stageToken, type Pair } from '../../../ml/recommender/pairs.ts';
import type { RecommenderKind } from '../../../ml/recommender/recommender.ts';
import { runPythonTrainer, type TrainEvent } from '../python-trainer.ts';
import { accuracy, ngramPredictor, seq2seqPredictor, type Accuracy } from './seq2seq-accuracy.ts';
import { buildSplit, sample, writeModelData, type CorpusNotebook, type Labeler } from './seq2seq-dataset.ts';

export interface TrainOptions {
  notebooks: Iterable<CorpusNotebook>;
  labeler: Labeler;
  labelerName: string;
  outDir: string;
  workDir: string;
  script: string;
  command: string;
  stagePairs: number;
  singlePairs: number;
  epochs: number;
  hidden: number;
  emb: number;
  layers: number;
  attn: 'dot' | 'general' | 'concat';
  /** Stop a sub-model after this many epochs without a better validation loss, keeping its best epoch (0: run all). */
  patience: number;
  /** Wall-clock budget of each sub-model's training, in minutes (0: none). */
  maxMinutes: number;
  evalPairs: number;
  /** Where the notebooks came from, recorded in the manifest. */
  corpus?: { kind: string; path: string };
  /**
   * A checkpoint.pt this trainer wrote (`<out>/checkpoint.pt`): sub-models already exported in the work folder are
   * kept, and the one named in the checkpoint.json beside it (else the first unfinished one) continues from it.
   */
  resume?: string;
  log: (msg: string) => void;
}

/** Test hook: stop (as if interrupted) after this sub-model is exported. */
const STOP_AFTER = process.env.GDS_RECOMMENDER_STOP_AFTER;

export type Metrics = Record<string, Accuracy>;

/** The validation curve of one sub-model, as its epochs reported it (docs/EVALUATION.md plots these). */
function curve(events: readonly TrainEvent[]): Record<string, unknown> {
  const epochs = events.filter((e) => e.event === 'epoch').map(({ event: _e, ...rest }) => rest);
  const end = events.find((e) => e.event === 'converged' || e.event === 'budget');
  return { epochs, stoppedBy: end?.event ?? 'epochs' };
}

function withStage(pairs: readonly Pair[]): Pair[] {
  return pairs.map((p) => ({ ...p, input: [stageToken(p.stage), ...p.input] }));
}

interface ResumeState {
  checkpoint: string;
  /** The sub-model the checkpoint belongs to; null = the first one not yet exported. */
  model: string | null;
  used: boolean;
}

function exported(dir: string): boolean {
  return ['encoder.onnx', 'decoder.onnx', 'vocab.json'].every((f) => existsSync(join(dir, f)));
}

async function trainOne(
  o: TrainOptions,
  name: string,
  pairs: readonly Pair[],
  maxVocab: number,
  maxPairs: number,
  resume: ResumeState | null,
): Promise<{ dir: string; vocab: number; pairs: number; events: TrainEvent[] }> {
  const data = join(o.workDir, 'data', name);
  const out = join(o.workDir, 'out', name);
  const { vocab, pairs: n } = writeModelData(data, pairs, { maxVocab, maxPairs });
  // Every event is appended here, so a resumed run still reports the whole validation curve.
  const eventLog = join(out, 'events.jsonl');
  if (resume && exported(out)) {
    o.log(`${name}: ${n} pairs, vocab ${vocab.length}; already exported, kept (--resume)`);
    return { dir: out, vocab: vocab.length, pairs: n, events: readEvents(eventLog) };
  }
  if (!resume) rmSync(eventLog, { force: true });
  mkdirSync(out, { recursive: true });
  o.log(`${name}: ${n} pairs, vocab ${vocab.length}`);
  const args = [
    '--data',
    data,
    '--out',
    out,
    '--epochs',
    String(o.epochs),
    '--hidden',
    String(o.hidden),
    '--emb',
    String(o.emb),
    '--layers',
    String(o.layers),
    '--attn',
    o.attn,
    '--threads',
    '1',
    '--batch',
    '128',
    '--patience',
    String(o.patience),
    '--max-minutes',
    String(o.maxMinutes),
  ];
  if (resume && !resume.used && (resume.model === null || resume.model === name)) {
    resume.used = true;
    // Python overwrites its own checkpoint each epoch; read the resume file from a private copy.
    const from = join(o.workDir, `resume-${name}.pt`);
    copyFileSync(resume.checkpoint, from);
    args.push('--resume', from);
    o.log(`${name}: resuming from ${resume.checkpoint}`);
  }
  const top = join(o.outDir, 'checkpoint.pt');
  await runPythonTrainer(o.script, args, (e) => {
    o.log(`${name}: ${JSON.stringify(e)}`);
    appendFileSync(eventLog, `${JSON.stringify(e)}\n`);
    // The newest checkpoint of the sub-model in training, where the pipeline's findCheckpoint looks.
    if (e.event === 'epoch' && existsSync(join(out, 'checkpoint.pt'))) {
      copyFileSync(join(out, 'checkpoint.pt'), top);
      writeFileSync(join(o.outDir, 'checkpoint.json'), JSON.stringify({ model: name, epoch: e.epoch }));
    }
  });
  cpSync(join(data, 'vocab.json'), join(out, 'vocab.json'));
  if (STOP_AFTER === name) throw new Error(`stopped after ${name} (GDS_RECOMMENDER_STOP_AFTER)`);
  return { dir: out, vocab: vocab.length, pairs: n, events: readEvents(eventLog) };
}

const EventSchema = z.looseObject({ event: z.string() });

function readEvents(file: string): TrainEvent[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return lines.map((l, i) => parseJson(l, EventSchema, `${file}:${i + 1}`));
}

/** checkpoint.json beside checkpoint.pt: which sub-model the checkpoint belongs to (`trainOne` writes it each epoch). */
const CheckpointSchema = z.object({ model: z.string(), epoch: z.number().optional() });

function readResume(o: TrainOptions): ResumeState | null {
  if (!o.resume) return null;
  if (!existsSync(o.resume)) throw new Error(`no checkpoint at ${o.resume}`);
  const sidecar = join(dirname(o.resume), 'checkpoint.json');
  // No sidecar: the checkpoint goes to the first sub-model not yet exported.
  const model = existsSync(sidecar) ? readJsonFile(sidecar, CheckpointSchema).model : null;
  return { checkpoint: o.resume, model, used: false };
}

/** Model files this trainer writes into the out folder (cleared before a new model is written; work/ is kept). */
const OUTPUTS = ['templates.json', 'ngram.json', 'single', 'stages', 'manifest.json'];

function copyModel(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of ['encoder.onnx', 'decoder.onnx', 'vocab.json']) cpSync(join(from, f), join(to, f));
}

export async function trainRecommender(o: TrainOptions): Promise<{ metrics: Metrics; best: RecommenderKind }> {
  const resume = readResume(o);
  if (!resume) rmSync(o.workDir, { recursive: true, force: true });
  mkdirSync(o.workDir, { recursive: true });
  mkdirSync(o.outDir, { recursive: true });
  o.log('masking corpus');
  const split = await buildSplit(o.notebooks, o.labeler);
  o.log(
    `pairs: train ${split.train.length} (${split.trainNotebooks} notebooks), held out ${split.test.length} (${split.testNotebooks} notebooks of ` +
      `${split.testSlugs.length} datasets)`,
  );
  const test = sample(split.test, o.evalPairs, 11);
  const templates = mineTemplates(split.train);
  const ngram = LineNgram.train(split.train);
  const ngramTop3 = LineNgram.train(keepTopOutputs(split.train));
  const metrics: Metrics = {};
  metrics.ngram = await accuracy(test, ngramPredictor(ngram));
  metrics['ngram-top3'] = await accuracy(test, ngramPredictor(ngramTop3));
  o.log(`ngram ${JSON.stringify(metrics.ngram)} top3 ${JSON.stringify(metrics['ngram-top3'])}`);

  const stageDirs = new Map<Stage, string>();
  const models = new Map<Stage | 'single', Seq2SeqModel>();
  const info: Record<string, unknown> = {};
  for (const s of STAGES) {
    const pairs = split.train.filter((p) => p.stage === s);
    if (pairs.length < 500) continue;
    const r = await trainOne(o, `stage-${s}`, pairs, 1000, o.stagePairs, resume);
    stageDirs.set(s, r.dir);
    models.set(s, await loadSeq2Seq(r.dir));
    info[`stage-${s}`] = { pairs: r.pairs, vocab: r.vocab, ...curve(r.events) };
  }
  metrics['per-stage'] = await accuracy(test, seq2seqPredictor(models, false));
  o.log(`per-stage ${JSON.stringify(metrics['per-stage'])}`);
  const single = await trainOne(o, 'single', withStage(split.train), 2000, o.singlePairs, resume);
  models.set('single', await loadSeq2Seq(single.dir));
  metrics.single = await accuracy(test, seq2seqPredictor(models, true));
  o.log(`single ${JSON.stringify(metrics.single)}`);
  const top3 = await trainOne(o, 'single-top3', withStage(keepTopOutputs(split.train)), 2000, o.singlePairs, resume);
  metrics['single-top3'] = await accuracy(test, seq2seqPredictor(new Map([['single', await loadSeq2Seq(top3.dir)]]), true));
  o.log(`single-top3 ${JSON.stringify(metrics['single-top3'])}`);

  const ranked: Array<[RecommenderKind, Accuracy]> = [
    ['per-stage', metrics['per-stage']],
    ['single', metrics.single],
    ['ngram', metrics.ngram],
  ];
  const best = ranked.sort((a, b) => b[1].top5 + b[1].top1 - (a[1].top5 + a[1].top1))[0]?.[0] ?? 'ngram';

  for (const f of OUTPUTS) rmSync(join(o.outDir, f), { recursive: true, force: true });
  writeFileSync(join(o.outDir, 'templates.json'), JSON.stringify(templates));
  writeFileSync(join(o.outDir, 'ngram.json'), JSON.stringify(ngram.toJson()));
  // Both kinds are kept, so either can be served (`--kind`) and measured (`gds eval recommender --seq2seq`).
  copyModel(single.dir, join(o.outDir, 'single'));
  for (const [s, dir] of stageDirs) copyModel(dir, join(o.outDir, 'stages', s));
  const manifest = {
    default: best,
    createdAt: new Date().toISOString(),
    command: o.command,
    dataHash: split.hash,
    labeler: o.labelerName,
    source: o.corpus ?? null,
    resumedFrom: o.resume ?? null,
    corpus: {
      trainNotebooks: split.trainNotebooks,
      testNotebooks: split.testNotebooks,
      trainPairs: split.train.length,
      testPairs: split.test.length,
      heldOutDatasets: split.testSlugs,
    },
    model: {
      encoder: `bi-GRU x${o.layers}, summed directions`,
      decoder: `GRU x${o.layers}, Luong ${o.attn} attention`,
      hidden: o.hidden,
      emb: o.emb,
      epochs: o.epochs,
      stagePairs: o.stagePairs,
      singlePairs: o.singlePairs,
      patience: o.patience,
      maxMinutes: o.maxMinutes,
    },
    vocab: { stages: 'stages/<stage>/vocab.json (min count 3, top 1000)', single: 'single/vocab.json (min count 3, top 2000)' },
    templates: Object.keys(templates).length,
    metrics,
    training: {
      ...info,
      single: { pairs: single.pairs, vocab: single.vocab, ...curve(single.events) },
      'single-top3': { pairs: top3.pairs, vocab: top3.vocab, ...curve(top3.events) },
    },
  };
  writeFileSync(join(o.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  // Finished: the work folder and checkpoint are not part of the model folder (it is copied on install).
  for (const f of ['work', 'checkpoint.pt', 'checkpoint.json']) rmSync(join(o.outDir, f), { recursive: true, force: true });
  return { metrics, best };
}
