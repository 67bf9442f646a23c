// `gds train classifier` end to end: corpus → LFs → label model → token ids → PyTorch child → ONNX → manifest with gold metrics.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadClassifier } from '../../../ml/classifier/classifier.ts';
import { LABELING_FUNCTIONS, applyLfs } from '../../../ml/classifier/labeling-functions/index.ts';
import { predictProba } from '../../../ml/classifier/label-model.ts';
import { STACKER_FILE } from '../../../ml/classifier/stacker.ts';
import { STAGES } from '../../../ml/classifier/stages.ts';
import { runPythonTrainer } from '../python-trainer.ts';
import { readCorpusCells, type CorpusCodeCell, type ReadCodeCells } from './corpus-cells.ts';
import { fitLabelModel } from './fit-label-model.ts';
import { fitStacker, type StackerReport } from './fit-stacker.ts';
import { readGold } from './gold.ts';
import { excludeGold, sampleTextRows, unitHash, writeTrainingSet } from './lstm-training-set.ts';
import { readLabelFiles, scoreModel, type LabelFiles } from './score-model.ts';
import { readTeacher, teacherProbs } from './teacher-targets.ts';

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
  labels?: LabelFiles;
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
  /** PyTorch processes (torchrun, DistributedDataParallel on gloo/NCCL); 1 or unset = one plain Python process. */
  procs?: number;
  command: string;
  log: (line: string) => void;
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
  if (teacher && existsSync(o.outDir) && realpathSync(teacher.dir) === realpathSync(o.outDir))
    throw new Error(`--teacher and --out are the same folder (${o.outDir}): write the student elsewhere, then install it`);
  const teacherModel = teacher && (await loadClassifier(teacher.dir));
  const all = o.cells ?? readCorpusCells(o.kaggleDir, o.readCodeCells);
  const excluded = excludeGold(all, [...gold, ...handTrain, ...testSets.flatMap((s) => s.cells)]);
  const { droppedNotebooks, droppedCells } = excluded;
  const share = o.lfCells > 0 ? o.lfCells / excluded.kept.length : 1;
  const sampled = (c: CorpusCodeCell): boolean => share >= 1 || unitHash(`lf:${c.dataset}/${c.notebook}`) < share;
  const kept = excluded.kept.filter(sampled);
  const keptAt = excluded.keptAt.filter((_, k) => sampled(excluded.kept[k]!));
  o.log(
    `corpus: ${all.length} code cells; excluded ${droppedNotebooks} hand-labelled notebooks/copies and ${droppedCells} cells equal to ` +
      `hand-labelled cells; ${kept.length} left`,
  );

  const tLf = Date.now();
  const votes = applyLfs(kept.map((c) => c.source));
  o.log(`labeling functions: ${LABELING_FUNCTIONS.length} LFs on ${kept.length} cells in ${((Date.now() - tLf) / 1000).toFixed(1)} s`);
  const tFit = Date.now();
  const params = fitLabelModel(
    votes,
    LABELING_FUNCTIONS.map((l) => l.name),
    LABELING_FUNCTIONS.map((l) => STAGES.indexOf(l.stage)),
  );
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
    const answers = await teacherProbs(
      teacherModel,
      all,
      rowCells.map((k) => keptAt[k]!),
      o.log,
    );
    rowCells.forEach((k, j) => (probs[k] = answers[j]));
    teacherSeconds = (Date.now() - tTeacher) / 1000;
    o.log(
      `teacher: ${rowCells.length} of ${kept.length} cells (those of the training rows) labelled in notebook context by ${teacherModel.modelDir} in ` +
        `${teacherSeconds.toFixed(0)} s`,
    );
  }

  // One work folder per output folder: concurrent runs never share files, and the checkpoint stays for `--resume`.
  const work = join(tmpdir(), `gds-classifier-work-${createHash('sha256').update(o.outDir).digest('hex').slice(0, 12)}`);
  const handRepeat = o.handRepeat ?? 0;
  const set = writeTrainingSet(
    join(work, 'data'),
    kept,
    rows,
    probs,
    0.1,
    { cells: handTrain, repeat: handRepeat },
    teacher ? 'teacher' : 'label-model',
  );
  o.log(
    `training set: ${set.train} train (${handTrain.length * handRepeat} of them ${handTrain.length} hand-labelled cells × ${handRepeat}) / ` +
      `${set.val} validation cells (split by notebook), vocabulary ${set.vocab.tokens.length}`,
  );

  mkdirSync(o.outDir, { recursive: true });
  const args = ['--data', join(work, 'data'), '--out', join(work, 'out'), '--epochs', String(o.epochs)];
  if (o.resume) args.push('--resume', o.resume);
  if (o.maxSeconds > 0) args.push('--max-seconds', String(o.maxSeconds));
  if (o.embed) args.push('--embed', String(o.embed));
  if (o.hidden) args.push('--hidden', String(o.hidden));
  const tTrain = Date.now();
  // Progress lines read `trainer: {json}` (pipeline/jobs/progress.ts parses them); the epochs go into the manifest.
  const events = await runPythonTrainer(o.script, args, (e) => o.log(`trainer: ${JSON.stringify(e)}`), o.python, { procs: o.procs });
  const epochs = events.filter((e) => e.event === 'epoch');
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
  if (o.stackerScript && trainSets.length > 0 && handRepeat === 0)
    stacker = await fitStacker({
      modelDir: o.outDir,
      labelModelWeight: w,
      sets: trainSets,
      files,
      script: o.stackerScript,
      command: o.command,
      log: o.log,
    });
  const { metrics: goldScores, labelSetMetrics } = await scoreModel(
    o.outDir,
    params,
    { gold, audit, testSets, trainSets, handRepeat, stacked: !!stacker, files, ...(teacher ? { taughtBy: teacher.stackerTrainedOn } : {}) },
    w,
  );
  const manifest = {
    name: 'gds-stage-classifier',
    created: new Date().toISOString(),
    command: o.command,
    stages: STAGES,
    files: { model: 'model.onnx', vocabulary: 'vocab.json', labelModel: 'label-model.json', training: 'training.json' },
    input: {
      name: 'tokens',
      dtype: 'int64',
      seqLen: 120,
      padding: 'pre',
      truncation: 'keep first 120 tokens',
      vocabulary: '8000 most common tokens; id 0 pad, 1 unknown',
    },
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
