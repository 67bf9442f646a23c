// Scores a classifier model folder on hand-label files: each cell alone, in notebook context, and the weak labels it learned from.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { loadClassifier } from '../../../ml/classifier/classifier.ts';
import { LABELING_FUNCTIONS, applyLfs } from '../../../ml/classifier/labeling-functions/index.ts';
import { argmax, majorityVote, predictProba, type LabelModelParams } from '../../../ml/classifier/label-model.ts';
import { STAGES, type Stage } from '../../../ml/classifier/stages.ts';
import { readGold, splitGold, type GoldCell } from './gold.ts';
import { classifyByNotebook, type NotebookFiles } from './labelled-cells-in-context.ts';
import { score, type Scores } from './metrics.ts';

/**
 * Our own hand-label files (resources/labels): `train` ones the end model may learn from, `test` never; `audit`
 * relabels the shared gold's cells.
 */
export interface LabelFiles {
  train: string[];
  test: string[];
  audit?: string;
}

export type GoldReport = Record<'all' | 'dev' | 'test', Scores>;

function scoreParts(gold: GoldCell[], predicted: Stage[]): GoldReport {
  const byId = new Map(gold.map((g, i) => [g.id, predicted[i]!]));
  const part = (cells: GoldCell[]): Scores =>
    score(
      cells.map((c) => c.stage),
      cells.map((c) => byId.get(c.id)!),
    );
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
export async function evaluateEndModel(
  gold: GoldCell[],
  modelDir: string,
  labelModelWeight = 0,
  files?: NotebookFiles,
): Promise<Record<'alone' | 'mixture' | 'lstm' | 'inContext', GoldReport>> {
  const clf = await loadClassifier(modelDir, { labelModelWeight });
  const sig = await clf.signals(gold.map((g) => g.source));
  const inContext = await classifyByNotebook(clf, gold, files);
  return {
    alone: scoreParts(
      gold,
      sig.map((s) => clf.alone(s).stage),
    ),
    mixture: scoreParts(
      gold,
      sig.map((s) => clf.mixture(s).stage),
    ),
    lstm: scoreParts(
      gold,
      sig.map((s) => STAGES[argmax(s.lstm)]!),
    ),
    inContext: scoreParts(
      gold,
      inContext.map((o) => o.stage),
    ),
  };
}

/**
 * Every score the manifest keeps for one hand-label file. `endModel` is what `gds classify` answers for a cell alone
 * (the stacker's cell-alone regression when the folder has one, else `mixture`); `mixture` is the LSTM combined with
 * the label model by `labelModelWeight`; `lstmAlone` is the LSTM by itself.
 */
export async function evaluateAll(
  gold: GoldCell[],
  params: LabelModelParams,
  modelDir: string,
  labelModelWeight = 0,
  files?: NotebookFiles,
): Promise<Record<'endModel' | 'endModelInContext' | 'mixture' | 'lstmAlone' | 'labelModel' | 'majorityVote', GoldReport>> {
  const weak = evaluateWeakLabels(gold, params);
  const end = await evaluateEndModel(gold, modelDir, labelModelWeight, files);
  return {
    endModel: end.alone,
    endModelInContext: end.inContext,
    mixture: end.mixture,
    lstmAlone: end.lstm,
    labelModel: weak.labelModel,
    majorityVote: weak.majority,
  };
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

/** Reads the label files (missing files skipped). */
export function readLabelledSets(goldPath: string, labels: LabelFiles, handRepeat = 0): LabelledSets {
  return {
    gold: readGold(goldPath),
    audit: labels.audit && existsSync(labels.audit) ? readGold(labels.audit, goldPath) : [],
    testSets: readLabelFiles(labels.test, goldPath),
    trainSets: readLabelFiles(labels.train, goldPath),
    handRepeat,
  };
}

/** The manifest's `metrics` (shared gold) and `labelSetMetrics` (our files, each with its role) for a model folder. */
export async function scoreModel(
  modelDir: string,
  params: LabelModelParams,
  sets: LabelledSets,
  labelModelWeight: number,
): Promise<{ metrics: Awaited<ReturnType<typeof evaluateAll>>; labelSetMetrics: Record<string, unknown> }> {
  const w = labelModelWeight;
  const metrics = await evaluateAll(sets.gold, params, modelDir, w, sets.files);
  const labelSetMetrics: Record<string, unknown> = {};
  if (sets.audit.length)
    labelSetMetrics['gold-audit.jsonl'] = {
      role: 'our second opinion on the shared gold cells; never trained on',
      ...(await evaluateAll(sets.audit, params, modelDir, w, sets.files)),
    };
  for (const t of sets.testSets)
    labelSetMetrics[basename(t.path)] = { role: 'held-out test; never trained on', ...(await evaluateAll(t.cells, params, modelDir, w, sets.files)) };
  for (const t of sets.trainSets) {
    const taught = sets.taughtBy?.includes(basename(t.path));
    const role =
      sets.handRepeat > 0
        ? 'the end model trained on these cells (its scores here are not held-out); LFs were developed on them'
        : sets.stacked
          ? `LFs were developed on them and the stacker was fitted on them: its scores here (endModel, endModelInContext) are not held-out (inference.stacker.perFile and inference.stacker.alone.perFile have cross-validated ones); ${taught ? 'the LSTM learned from a teacher fitted on them, so even the cross-validated scores are optimistic' : 'the LSTM never trained on them'}`
          : 'LFs were developed on them; not trained on';
    labelSetMetrics[basename(t.path)] = { role, ...(await evaluateAll(t.cells, params, modelDir, w, sets.files)) };
  }
  return { metrics, labelSetMetrics };
}

/** Label files that exist, read (audit rows take their sources from the shared gold). */
export function readLabelFiles(paths: string[], goldPath: string): Array<{ path: string; cells: GoldCell[] }> {
  return paths.filter((p) => existsSync(p)).map((p) => ({ path: p, cells: readGold(p, goldPath) }));
}
