// `gds train classifier` end to end: corpus → LFs → label model → token ids → PyTorch child → ONNX → manifest with gold metrics.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { classifyByNotebook, loadClassifier } from './classifier.ts';
import { readCorpusCells, type CorpusCodeCell, type ReadCodeCells } from './corpus-cells.ts';
import { excludeGold, sampleTextRows, unitHash, writeTrainingSet } from './dataset.ts';
import { readGold, splitGold, type GoldCell } from './gold.ts';
import { LABELING_FUNCTIONS, applyLfs } from './labeling-functions/index.ts';
import { argmax, fitLabelModel, majorityVote, predictProba, type LabelModelParams } from './label-model.ts';
import { readLabelModel } from './label-model-file.ts';
import { score, type Scores } from './metrics.ts';
import { STAGES, type Stage } from './stages.ts';
import type { NotebookFiles } from './labelled-notebooks.ts';
import { fitStacker, type StackerReport } from './stacker-fit.ts';
import { STACKER_FILE } from './stacker.ts';
import { teacherProbs } from './teacher-labels.ts';

export interface TrainOptions {
  kaggleDir: string;
  /** Cells of a user-chosen corpus (`--corpus` / `--db`); when set, kaggleDir is not read. */
  cells?: CorpusCodeCell[];
  /** Where the cells came from, recorded in the manifest. */
  corpus?: { kind: string; path: string };
  goldPath: string;
  /**
   * Our own hand-label files (resources/labels): `train` ones the end model learns from (`handRepeat` times each),
   * `test` never; `audit` relabels the shared gold's cells. Every labelled notebook is dropped from the weak-label
   * corpus, so no labelled cell is ever a weak example too.
   */
  labels?: { train: string[]; test: string[]; audit?: string };
  /** How many times each `train` hand-labelled cell joins the LSTM's training rows (0: weak labels only). */
  handRepeat?: number;
  /** LSTM sizes passed to the trainer (its defaults when unset). */
  embed?: number;
  hidden?: number;
  /** Share of the label model in the shipped answer (`combine` in classifier.ts); 0 = the LSTM alone. */
  labelModelWeight?: number;
  /**
   * A classifier folder with a stacker (`gds train classifier --teacher`): its in-context answers replace the label
   * model's as the LSTM's targets (self-training). The label model is still fitted: the stacker reads it.
   */
  teacher?: string;
  /** resources/python/fit_stacker.py: fit the stacker on the `train` hand labels (none when unset; never with handRepeat). */
  stackerScript?: string;
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

/**
 * The end model on each cell alone (the `classify` contract) and with its notebook's other cells as context; from the
 * same signals, the mixture (LSTM × label model) and the LSTM by itself.
 */
export async function evaluateEndModel(gold: GoldCell[], modelDir: string, labelModelWeight = 0, files?: NotebookFiles): Promise<Record<'alone' | 'mixture' | 'lstm' | 'inContext', GoldReport>> {
  const clf = await loadClassifier(modelDir, { labelModelWeight });
  const sig = await clf.signals(gold.map((g) => g.source));
  const inContext = await classifyByNotebook(clf, gold, files);
  return {
    alone: scoreParts(gold, sig.map((s) => clf.alone(s).stage)),
    mixture: scoreParts(gold, sig.map((s) => clf.mixture(s).stage)),
    lstm: scoreParts(gold, sig.map((s) => STAGES[argmax(s.lstm)]!)),
    inContext: scoreParts(gold, inContext.map((o) => o.stage)),
  };
}

/**
 * Every score the manifest keeps for one hand-label file. `endModel` is what `gds classify` answers for a cell alone
 * (the stacker's cell-alone regression when the folder has one, else `mixture`); `mixture` is the LSTM combined with
 * the label model by `labelModelWeight`; `lstmAlone` is the LSTM by itself.
 */
export async function evaluateAll(gold: GoldCell[], params: LabelModelParams, modelDir: string, labelModelWeight = 0, files?: NotebookFiles): Promise<Record<'endModel' | 'endModelInContext' | 'mixture' | 'lstmAlone' | 'labelModel' | 'majorityVote', GoldReport>> {
  const weak = evaluateWeakLabels(gold, params);
  const end = await evaluateEndModel(gold, modelDir, labelModelWeight, files);
  return { endModel: end.alone, endModelInContext: end.inContext, mixture: end.mixture, lstmAlone: end.lstm, labelModel: weak.labelModel, majorityVote: weak.majority };
}

export interface LabelledSets {
  gold: GoldCell[];
  audit: GoldCell[];
  testSets: Array<{ path: string; cells: GoldCell[] }>;
  trainSets: Array<{ path: string; cells: GoldCell[] }>;
  handRepeat: number;
  /** The stacker was fitted on the `train` sets (their in-context scores are then not held-out). */
  stacked?: boolean;
  /** The crawl, to judge labelled cells in their whole notebooks. */
  files?: NotebookFiles;
  /** Label files a teacher's stacker was fitted on (self-training): the LSTM learned from them through it. */
  taughtBy?: string[];
}

/** Reads the label files of `TrainOptions.labels` (missing files skipped). */
export function readLabelledSets(goldPath: string, labels: NonNullable<TrainOptions['labels']>, handRepeat = 0): LabelledSets {
  return {
    gold: readGold(goldPath),
    audit: labels.audit && existsSync(labels.audit) ? readGold(labels.audit, goldPath) : [],
    testSets: readLabelFiles(labels.test, goldPath),
    trainSets: readLabelFiles(labels.train, goldPath),
    handRepeat,
  };
}

/** The manifest's `metrics` (shared gold) and `labelSetMetrics` (our files, each with its role) for a model folder. */
export async function scoreModel(modelDir: string, params: LabelModelParams, sets: LabelledSets, labelModelWeight: number): Promise<{ metrics: Awaited<ReturnType<typeof evaluateAll>>; labelSetMetrics: Record<string, unknown> }> {
  const w = labelModelWeight;
  const metrics = await evaluateAll(sets.gold, params, modelDir, w, sets.files);
  const labelSetMetrics: Record<string, unknown> = {};
  if (sets.audit.length) labelSetMetrics['gold-audit.jsonl'] = { role: 'our second opinion on the shared gold cells; never trained on', ...(await evaluateAll(sets.audit, params, modelDir, w, sets.files)) };
  for (const t of sets.testSets) labelSetMetrics[basename(t.path)] = { role: 'held-out test; never trained on', ...(await evaluateAll(t.cells, params, modelDir, w, sets.files)) };
  for (const t of sets.trainSets) {
    const taught = sets.taughtBy?.includes(basename(t.path));
    const role = sets.handRepeat > 0 ? 'the end model trained on these cells (its scores here are not held-out); LFs were developed on them'
      : sets.stacked ? `LFs were developed on them and the stacker was fitted on them: its scores here (endModel, endModelInContext) are not held-out (inference.stacker.perFile and inference.stacker.alone.perFile have cross-validated ones); ${taught ? 'the LSTM learned from a teacher fitted on them, so even the cross-validated scores are optimistic' : 'the LSTM never trained on them'}`
        : 'LFs were developed on them; not trained on';
    labelSetMetrics[basename(t.path)] = { role, ...(await evaluateAll(t.cells, params, modelDir, w, sets.files)) };
  }
  return { metrics, labelSetMetrics };
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

/** Label files that exist, read (audit rows take their sources from the shared gold). */
function readLabelFiles(paths: string[], goldPath: string): Array<{ path: string; cells: GoldCell[] }> {
  return paths.filter((p) => existsSync(p)).map((p) => ({ path: p, cells: readGold(p, goldPath) }));
}

export async function trainClassifier(o: TrainOptions): Promise<Record<string, unknown>> {
  const t0 = Date.now();
  const gold = readGold(o.goldPath);
  const trainSets = readLabelFiles(o.labels?.train ?? [], o.goldPath);
  const testSets = readLabelFiles(o.labels?.test ?? [], o.goldPath);
  const audit = o.labels?.audit && existsSync(o.labels.audit) ? readGold(o.labels.audit, o.goldPath) : [];
  const handTrain = trainSets.flatMap((s) => s.cells);
  // Checked and loaded before the crawl is read: a wrong teacher should fail in a second, not after the LFs ran.
  const heldOut = [...(o.labels?.test ?? []), ...(o.labels?.audit ? [o.labels.audit] : [])].map((p) => basename(p));
  const teacher = o.teacher ? await readTeacher(o.teacher, heldOut) : undefined;
  if (teacher && existsSync(o.outDir) && realpathSync(teacher.dir) === realpathSync(o.outDir)) throw new Error(`--teacher and --out are the same folder (${o.outDir}): write the student elsewhere, then install it`);
  const teacherModel = teacher && (await loadClassifier(teacher.dir));
  const all = o.cells ?? readCorpusCells(o.kaggleDir, o.readCodeCells);
  const excluded = excludeGold(all, [...gold, ...handTrain, ...testSets.flatMap((s) => s.cells)]);
  const { droppedNotebooks, droppedCells } = excluded;
  const share = o.lfCells > 0 ? o.lfCells / excluded.kept.length : 1;
  const sampled = (c: CorpusCodeCell): boolean => share >= 1 || unitHash(`lf:${c.dataset}/${c.notebook}`) < share;
  const kept = excluded.kept.filter(sampled);
  const keptAt = excluded.keptAt.filter((_, k) => sampled(excluded.kept[k]!));
  o.log(`corpus: ${all.length} code cells; excluded ${droppedNotebooks} hand-labelled notebooks/copies and ${droppedCells} cells equal to hand-labelled cells; ${kept.length} left`);

  const tLf = Date.now();
  const votes = applyLfs(kept.map((c) => c.source));
  o.log(`labeling functions: ${LABELING_FUNCTIONS.length} LFs on ${kept.length} cells in ${((Date.now() - tLf) / 1000).toFixed(1)} s`);
  const tFit = Date.now();
  const params = fitLabelModel(votes, LABELING_FUNCTIONS.map((l) => l.name), LABELING_FUNCTIONS.map((l) => STAGES.indexOf(l.stage)));
  const fitSeconds = (Date.now() - tFit) / 1000;
  o.log(`label model: fitted in ${fitSeconds.toFixed(2)} s, prior ${params.prior.map((p) => p.toFixed(3)).join(' ')}`);
  // With a teacher, a cell outside the rows has no target (the writer refuses to read one).
  const probs: Array<readonly number[] | undefined> = teacherModel ? new Array<undefined>(kept.length) : predictProba(votes, params);
  const rows = sampleTextRows(kept, o.maxCells);
  let teacherSeconds = 0;
  if (teacherModel) {
    const tTeacher = Date.now();
    // Only the cells that become rows (every copy of each sampled text): under --max-cells the rest would be wasted.
    const rowCells = rows.flatMap((r) => r.at);
    const answers = await teacherProbs(teacherModel, all, rowCells.map((k) => keptAt[k]!), o.log);
    rowCells.forEach((k, j) => (probs[k] = answers[j]));
    teacherSeconds = (Date.now() - tTeacher) / 1000;
    o.log(`teacher: ${rowCells.length} of ${kept.length} cells (those of the training rows) labelled in notebook context by ${teacherModel.modelDir} in ${teacherSeconds.toFixed(0)} s`);
  }

  // One work folder per output folder: concurrent runs never share files, and the checkpoint stays for `--resume`.
  const work = join(tmpdir(), `gds-classifier-work-${createHash('sha256').update(o.outDir).digest('hex').slice(0, 12)}`);
  const handRepeat = o.handRepeat ?? 0;
  const set = writeTrainingSet(join(work, 'data'), kept, rows, probs, 0.1, { cells: handTrain, repeat: handRepeat }, teacher ? 'teacher' : 'label-model');
  o.log(`training set: ${set.train} train (${handTrain.length * handRepeat} of them ${handTrain.length} hand-labelled cells × ${handRepeat}) / ${set.val} validation cells (split by notebook), vocabulary ${set.vocab.tokens.length}`);

  mkdirSync(o.outDir, { recursive: true });
  const args = [o.script, '--data', join(work, 'data'), '--out', join(work, 'out'), '--epochs', String(o.epochs)];
  if (o.resume) args.push('--resume', o.resume);
  if (o.maxSeconds > 0) args.push('--max-seconds', String(o.maxSeconds));
  if (o.embed) args.push('--embed', String(o.embed));
  if (o.hidden) args.push('--hidden', String(o.hidden));
  const tTrain = Date.now();
  const epochs = await runTrainer(o.python, args, o.log);
  const trainSeconds = (Date.now() - tTrain) / 1000;
  copyFileSync(join(work, 'out', 'model.onnx'), join(o.outDir, 'model.onnx'));
  copyFileSync(join(work, 'out', 'training.json'), join(o.outDir, 'training.json'));
  writeFileSync(join(o.outDir, 'vocab.json'), JSON.stringify(set.vocab.tokens));
  writeFileSync(join(o.outDir, 'label-model.json'), JSON.stringify(params));
  // A stacker of an earlier run in this folder read the old LSTM; it must not score (or answer for) the new one.
  rmSync(join(o.outDir, STACKER_FILE), { force: true });

  const w = o.labelModelWeight ?? 0;
  let stacker: StackerReport | undefined;
  const files = o.kaggleDir ? { kaggleDir: o.kaggleDir, read: o.readCodeCells } : undefined;
  if (o.stackerScript && trainSets.length > 0 && handRepeat === 0) stacker = await fitStacker({ modelDir: o.outDir, labelModelWeight: w, sets: trainSets, files, script: o.stackerScript, command: o.command, log: o.log });
  const { metrics: goldScores, labelSetMetrics } = await scoreModel(o.outDir, params, { gold, audit, testSets, trainSets, handRepeat, stacked: !!stacker, files, ...(teacher ? { taughtBy: teacher.stackerTrainedOn } : {}) }, w);
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
      handLabelledCells: handTrain.length,
      handRepeat,
      handLabelFiles: trainSets.map((t) => basename(t.path)),
      dataHash: set.dataHash,
      // What the LSTM learned from: the label model, or a teacher's in-context answers (self-training).
      targets: teacher ? { ...teacher, seconds: teacherSeconds } : { kind: 'label-model' },
    },
    labelModel: { kind: 'Dawid-Skene EM (per-LF, per-stage firing probabilities)', lfs: LABELING_FUNCTIONS.length, fitSeconds },
    // How `gds classify` and the editor answer: the LSTM's and the label model's distributions, geometric mean.
    // In notebook context, the stacker (when fitted) answers from these and the cells before (ml/classifier/stacker.ts).
    inference: { labelModelWeight: w, combine: 'p ∝ p_lstm^(1-w) · p_labelmodel^w', ...(stacker ? { stacker } : {}) },
    training: { epochs, trainSeconds },
    // `metrics` scores the shared gold (report-dev); `labelSetMetrics` our own label files (resources/labels).
    metrics: goldScores,
    labelSetMetrics,
    totalSeconds: (Date.now() - t0) / 1000,
  };
  writeFileSync(join(o.outDir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  rmSync(join(work, 'data'), { recursive: true, force: true });
  o.log(`checkpoint for --resume: ${join(work, 'out', 'checkpoint.pt')}`);
  return manifest;
}

export interface TeacherRecord {
  kind: 'teacher';
  dir: string;
  /**
   * The hand-label files the teacher's stacker was fitted on, and those its own teacher's were (a student of a
   * student): through it, the LSTM has learned from all of them.
   */
  stackerTrainedOn: string[];
  command: string | null;
  /** The teacher's own LSTM data hash and stacker date: which model taught, after the folder has been replaced. */
  dataHash: string | null;
  stackerDate: string | null;
}

const strings = (v: unknown): string[] | null => (Array.isArray(v) && v.every((f): f is string => typeof f === 'string') ? v : null);

/** What a model folder's manifest says it learned from through a teacher (`data.targets`), if anything. */
export function taughtBy(manifest: { data?: { targets?: unknown } }): string[] {
  const t = manifest.data?.targets;
  if (typeof t !== 'object' || t === null || (t as { kind?: unknown }).kind !== 'teacher') return [];
  return strings((t as { stackerTrainedOn?: unknown }).stackerTrainedOn) ?? [];
}

/**
 * A teacher must have a stacker and a manifest naming the files it (and any teacher before it) was fitted on, none of
 * them a held-out file (named by file name, whether or not the file is here).
 */
export async function readTeacher(dir: string, heldOut: string[]): Promise<TeacherRecord> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(join(dir, STACKER_FILE))) throw new Error(`teacher ${dir}: no ${STACKER_FILE} (fit one with gds train stacker --model ${dir})`);
  if (!existsSync(manifestPath)) throw new Error(`teacher ${dir}: no manifest.json to say which hand labels its stacker was fitted on`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { command?: unknown; data?: { dataHash?: unknown; targets?: unknown }; inference?: { stacker?: { trainedOn?: unknown; date?: unknown } } };
  const trainedOn = strings(manifest.inference?.stacker?.trainedOn);
  if (!trainedOn) throw new Error(`teacher ${dir}: its manifest does not say which hand labels its stacker was fitted on`);
  const all = [...new Set([...trainedOn, ...taughtBy(manifest)])];
  const leaked = all.filter((f) => heldOut.includes(f));
  if (leaked.length) throw new Error(`teacher ${dir}: it learned from held-out ${leaked.join(', ')}; a student of it could not be scored there`);
  return {
    kind: 'teacher',
    dir,
    stackerTrainedOn: all,
    command: typeof manifest.command === 'string' ? manifest.command : null,
    dataHash: typeof manifest.data?.dataHash === 'string' ? manifest.data.dataHash : null,
    stackerDate: typeof manifest.inference?.stacker?.date === 'string' ? manifest.inference.stacker.date : null,
  };
}

export interface AddStackerOptions {
  modelDir: string;
  files?: NotebookFiles;
  goldPath: string;
  labels: NonNullable<TrainOptions['labels']>;
  script: string;
  command: string;
  log: (line: string) => void;
}

/**
 * Fits a stacker for an existing model folder (its LSTM and label model unchanged) and rescores the folder: the
 * manifest's metrics then describe what `gds classify` and the editor answer with it.
 */
export async function addStacker(o: AddStackerOptions): Promise<StackerReport> {
  const manifestPath = join(o.modelDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`no manifest.json in ${o.modelDir}`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown> & { inference?: Record<string, unknown>; data?: Record<string, unknown> };
  const w = typeof manifest.inference?.labelModelWeight === 'number' ? manifest.inference.labelModelWeight : 0;
  const sets = readLabelledSets(o.goldPath, o.labels, Number(manifest.data?.handRepeat ?? 0));
  if (sets.handRepeat > 0) throw new Error('the LSTM of this folder trained on the hand labels: a stacker fitted on them would learn its in-sample answers');
  if (sets.trainSets.length === 0) throw new Error('no hand-label files to fit the stacker on');
  const report = await fitStacker({ modelDir: o.modelDir, labelModelWeight: w, sets: sets.trainSets, files: o.files, script: o.script, command: o.command, log: o.log });
  const { metrics, labelSetMetrics } = await scoreModel(o.modelDir, readLabelModel(o.modelDir), { ...sets, stacked: true, files: o.files, taughtBy: taughtBy(manifest) }, w);
  manifest.inference = { ...(manifest.inference ?? {}), stacker: report };
  manifest.metrics = metrics;
  manifest.labelSetMetrics = labelSetMetrics;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  return report;
}
