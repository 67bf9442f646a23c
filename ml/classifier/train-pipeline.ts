// `gds train classifier` end to end: corpus → LFs → label model → token ids → PyTorch child → ONNX → manifest with gold metrics.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadClassifier } from './classifier.ts';
import { readCorpusCells, type CorpusCodeCell, type ReadCodeCells } from './corpus-cells.ts';
import { excludeGold, unitHash, writeTrainingSet } from './dataset.ts';
import { readGold, splitGold, type GoldCell } from './gold.ts';
import { LABELING_FUNCTIONS, applyLfs } from './labeling-functions/index.ts';
import { argmax, fitLabelModel, majorityVote, predictProba, type LabelModelParams } from './label-model.ts';
import { score, type Scores } from './metrics.ts';
import { STAGES, type Stage } from './stages.ts';
import { withContextByNotebook } from './notebook-context.ts';

export interface TrainOptions {
  kaggleDir: string;
  /** Cells of a user-chosen corpus (`--corpus` / `--db`); when set, kaggleDir is not read. */
  cells?: CorpusCodeCell[];
  /** Where the cells came from, recorded in the manifest. */
  corpus?: { kind: string; path: string };
  goldPath: string;
  /** Our own hand labels (other notebooks than the shared gold): excluded from training, scored like the gold. */
  handLabelsPath?: string;
  readCodeCells: ReadCodeCells;
  outDir: string;
  python: string;
  script: string;
  epochs: number;
  maxCells: number;
  /** Apply LFs and fit the label model on a sample of this many cells (whole notebooks); 0 = the whole crawl. */
  lfCells: number;
  /** Wall-time budget for the PyTorch run (0 = none); training stops and the model is still exported. */
  maxSeconds: number;
  resume?: string;
  command: string;
  log: (line: string) => void;
}

export interface EpochRecord {
  epoch: number;
  train_loss: number;
  val_loss: number;
  seconds: number;
}

export type GoldReport = Record<'all' | 'dev' | 'test', Scores>;

function scoreParts(gold: GoldCell[], predicted: Stage[]): GoldReport {
  const byId = new Map(gold.map((g, i) => [g.id, predicted[i]!]));
  const part = (cells: GoldCell[]): Scores => score(cells.map((c) => c.stage), cells.map((c) => byId.get(c.id)!));
  const { dev, test } = splitGold(gold);
  return { all: part(gold), dev: part(dev), test: part(test) };
}

/** Label model and majority vote against the hand labels (the label model fitted without them). */
export function evaluateWeakLabels(gold: GoldCell[], params: LabelModelParams): { labelModel: GoldReport; majority: GoldReport } {
  const votes = applyLfs(gold.map((g) => g.source));
  const lm = predictProba(votes, params).map((p) => STAGES[argmax(p)]!);
  const mv = majorityVote(votes, LABELING_FUNCTIONS.length).map((v) => (v === null ? 'prep' : STAGES[v]!));
  return { labelModel: scoreParts(gold, lm), majority: scoreParts(gold, mv) };
}

/** The end model on each cell alone (the `classify` contract) and with its notebook's other cells as context. */
export async function evaluateEndModel(gold: GoldCell[], modelDir: string): Promise<{ alone: GoldReport; inContext: GoldReport }> {
  const clf = await loadClassifier(modelDir);
  const out = await clf.classify(gold.map((g) => g.source));
  const inContext = withContextByNotebook(gold, out);
  return { alone: scoreParts(gold, out.map((o) => o.stage)), inContext: scoreParts(gold, inContext.map((o) => o.stage)) };
}

/** Every score the manifest keeps for one hand-label file. */
export async function evaluateAll(gold: GoldCell[], params: LabelModelParams, modelDir: string): Promise<Record<'endModel' | 'endModelInContext' | 'labelModel' | 'majorityVote', GoldReport>> {
  const weak = evaluateWeakLabels(gold, params);
  const end = await evaluateEndModel(gold, modelDir);
  return { endModel: end.alone, endModelInContext: end.inContext, labelModel: weak.labelModel, majorityVote: weak.majority };
}

function runTrainer(python: string, args: string[], log: (line: string) => void): Promise<EpochRecord[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const epochs: EpochRecord[] = [];
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const ev = JSON.parse(line) as { event: string } & Partial<EpochRecord>;
        if (ev.event === 'epoch') epochs.push(ev as EpochRecord);
        log(`trainer: ${line}`);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(epochs) : reject(new Error(`trainer exited with ${code}: ${stderr.trim().split('\n').slice(-5).join('\n')}`))));
  });
}

export async function trainClassifier(o: TrainOptions): Promise<Record<string, unknown>> {
  const t0 = Date.now();
  const gold = readGold(o.goldPath);
  const hand = o.handLabelsPath && existsSync(o.handLabelsPath) ? readGold(o.handLabelsPath) : [];
  const all = o.cells ?? readCorpusCells(o.kaggleDir, o.readCodeCells);
  const excluded = excludeGold(all, [...gold, ...hand]);
  const { droppedNotebooks, droppedCells } = excluded;
  const share = o.lfCells > 0 ? o.lfCells / excluded.kept.length : 1;
  const kept = share < 1 ? excluded.kept.filter((c) => unitHash(`lf:${c.dataset}/${c.notebook}`) < share) : excluded.kept;
  o.log(`corpus: ${all.length} code cells; excluded ${droppedNotebooks} hand-labelled notebooks/copies and ${droppedCells} cells equal to hand-labelled cells; ${kept.length} left`);

  const tLf = Date.now();
  const votes = applyLfs(kept.map((c) => c.source));
  o.log(`labeling functions: ${LABELING_FUNCTIONS.length} LFs on ${kept.length} cells in ${((Date.now() - tLf) / 1000).toFixed(1)} s`);
  const tFit = Date.now();
  const params = fitLabelModel(votes, LABELING_FUNCTIONS.map((l) => l.name), LABELING_FUNCTIONS.map((l) => STAGES.indexOf(l.stage)));
  const fitSeconds = (Date.now() - tFit) / 1000;
  o.log(`label model: fitted in ${fitSeconds.toFixed(2)} s, prior ${params.prior.map((p) => p.toFixed(3)).join(' ')}`);
  const probs = predictProba(votes, params);

  // One work folder per output folder: concurrent runs never share files, and the checkpoint stays for `--resume`.
  const work = join(tmpdir(), `gds-classifier-work-${createHash('sha256').update(o.outDir).digest('hex').slice(0, 12)}`);
  const set = writeTrainingSet(join(work, 'data'), kept, probs, o.maxCells);
  o.log(`training set: ${set.train} train / ${set.val} validation cells (split by notebook), vocabulary ${set.vocab.tokens.length}`);

  mkdirSync(o.outDir, { recursive: true });
  const args = [o.script, '--data', join(work, 'data'), '--out', join(work, 'out'), '--epochs', String(o.epochs)];
  if (o.resume) args.push('--resume', o.resume);
  if (o.maxSeconds > 0) args.push('--max-seconds', String(o.maxSeconds));
  const tTrain = Date.now();
  const epochs = await runTrainer(o.python, args, o.log);
  const trainSeconds = (Date.now() - tTrain) / 1000;
  copyFileSync(join(work, 'out', 'model.onnx'), join(o.outDir, 'model.onnx'));
  copyFileSync(join(work, 'out', 'training.json'), join(o.outDir, 'training.json'));
  writeFileSync(join(o.outDir, 'vocab.json'), JSON.stringify(set.vocab.tokens));
  writeFileSync(join(o.outDir, 'label-model.json'), JSON.stringify(params));

  const goldScores = await evaluateAll(gold, params, o.outDir);
  const handScores = hand.length ? await evaluateAll(hand, params, o.outDir) : null;
  const manifest = {
    name: 'gds-stage-classifier',
    created: new Date().toISOString(),
    command: o.command,
    stages: STAGES,
    files: { model: 'model.onnx', vocabulary: 'vocab.json', labelModel: 'label-model.json', training: 'training.json' },
    input: { name: 'tokens', dtype: 'int64', seqLen: 120, padding: 'pre', truncation: 'keep first 120 tokens', vocabulary: '8000 most common tokens; id 0 pad, 1 unknown' },
    data: {
      corpus: o.corpus ?? { kind: 'kaggle-cache', path: o.kaggleDir },
      corpusCells: all.length,
      keptCells: excluded.kept.length,
      labelledCells: kept.length,
      excludedGoldNotebooks: droppedNotebooks,
      excludedGoldCells: droppedCells,
      trainCells: set.train,
      valCells: set.val,
      maxCells: o.maxCells,
      dataHash: set.dataHash,
    },
    labelModel: { kind: 'Dawid-Skene EM (per-LF, per-stage firing probabilities)', lfs: LABELING_FUNCTIONS.length, fitSeconds },
    training: { epochs, trainSeconds },
    // `metrics` scores the shared gold (report-dev); `handLabelMetrics` our own labels of other datasets.
    metrics: goldScores,
    handLabelMetrics: handScores,
    totalSeconds: (Date.now() - t0) / 1000,
  };
  writeFileSync(join(o.outDir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  rmSync(join(work, 'data'), { recursive: true, force: true });
  o.log(`checkpoint for --resume: ${join(work, 'out', 'checkpoint.pt')}`);
  return manifest;
}
