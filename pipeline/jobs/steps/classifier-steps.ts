// Classifier steps: LF analysis (label), training, evaluation on hand labels. `gds label|train classifier|eval classifier`
// are adapters over these; the pipeline runs them in its step child.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { loadClassifier } from '../../../ml/classifier/classifier.ts';
import { LABELING_FUNCTIONS, applyLfs } from '../../../ml/classifier/labeling-functions/index.ts';
import { STAGES } from '../../../ml/classifier/stages.ts';
import { activeModelDir, installedModelsDir, labelSets, pythonScriptsDir } from '../../app-paths.ts';
import { ensureKaggleCorpus, goldPath } from '../../corpus-cache.ts';
import { chosenCorpusCells, readCodeCells } from '../../training/classifier/corpus-cells.ts';
import { fitLabelModel } from '../../training/classifier/fit-label-model.ts';
import { readGold } from '../../training/classifier/gold.ts';
import { classifyByNotebook, type NotebookFiles } from '../../training/classifier/labelled-cells-in-context.ts';
import { analyzeLfs, formatLfStats } from '../../training/classifier/lf-analysis.ts';
import { excludeGold, unitHash } from '../../training/classifier/lstm-training-set.ts';
import { clusterBootstrapInterval, formatScores, score } from '../../training/classifier/metrics.ts';
import { evaluateWeakLabels, type GoldReport } from '../../training/classifier/score-model.ts';
import { trainClassifier } from '../../training/classifier/train-classifier.ts';
import { pythonExecutable } from '../../training/python-trainer.ts';
import { defineStep, type StepIo } from './step.ts';

const corpusChoice = { corpus: z.string().optional(), db: z.string().optional() };

/** A model folder given by the user (must hold model.onnx), else the installed classifier, else the bundled one. */
export function classifierDirFrom(option: string | undefined): string {
  if (option) {
    const dir = resolve(option);
    if (!existsSync(join(dir, 'model.onnx'))) throw new Error(`no model.onnx in ${dir}`);
    return dir;
  }
  return activeModelDir('classifier');
}

/** The Kaggle crawl, so labelled cells are judged in their whole notebooks; none when it cannot be unpacked here. */
export function crawlFiles(): NotebookFiles | undefined {
  try {
    return { kaggleDir: ensureKaggleCorpus(), read: readCodeCells };
  } catch {
    return undefined;
  }
}

export function printReport(io: Pick<StepIo, 'out'>, title: string, r: GoldReport): void {
  io.out(formatScores(`${title} — all hand labels`, r.all));
  const pct = (x: number): string => (100 * x).toFixed(1);
  io.out(`${title}: dev half ${pct(r.dev.accuracy)}% (n=${r.dev.n}), untouched test half ${pct(r.test.accuracy)}% (n=${r.test.n})\n`);
}

export const labelStep = defineStep({
  name: 'label',
  // maxCells: analyze a deterministic sample of this many cells (0 or unset: all).
  params: z.strictObject({ gold: z.string().default(() => goldPath()), maxCells: z.number().int().min(0).optional(), ...corpusChoice }),
  async run(p, io): Promise<{ cells: number }> {
    const gold = readGold(p.gold, goldPath());
    const sets = labelSets();
    const ours = [...sets.train, sets.test, sets.audit].filter((f) => existsSync(f)).map((f) => ({ path: f, cells: readGold(f, goldPath()) }));
    const { cells: all, corpus } = await chosenCorpusCells(p);
    io.out(`corpus: ${corpus.kind} ${corpus.path}`);
    let cells = excludeGold(all, [...gold, ...ours.flatMap((o) => o.cells)]).kept;
    if (p.maxCells && cells.length > p.maxCells) {
      const share = p.maxCells / cells.length;
      cells = cells.filter((c, i) => unitHash(`${c.notebook}:${i}`) < share);
    }
    const t0 = Date.now();
    const votes = applyLfs(cells.map((c) => c.source));
    const lfSeconds = (Date.now() - t0) / 1000;
    io.progress({ fraction: 0.5, message: `labeling functions applied to ${cells.length} cells` });
    const t1 = Date.now();
    const params = fitLabelModel(votes, LABELING_FUNCTIONS.map((l) => l.name), LABELING_FUNCTIONS.map((l) => STAGES.indexOf(l.stage)));
    const fitSeconds = (Date.now() - t1) / 1000;
    const goldVotes = applyLfs(gold.map((g) => g.source));
    const stats = analyzeLfs(LABELING_FUNCTIONS, votes, goldVotes, gold.map((g) => g.stage));
    io.out(`${LABELING_FUNCTIONS.length} labeling functions on ${cells.length} corpus cells (gold notebooks excluded): ` +
      `LFs ${lfSeconds.toFixed(1)} s, label model fit ${fitSeconds.toFixed(2)} s`);
    io.out(`${formatLfStats(stats)}\n`);
    const weak = evaluateWeakLabels(gold, params);
    printReport(io, 'label model', weak.labelModel);
    printReport(io, 'majority vote', weak.majority);
    for (const o of ours) {
      const w = evaluateWeakLabels(o.cells, params);
      io.out(`## ${o.path}`);
      printReport(io, 'label model', w.labelModel);
      printReport(io, 'majority vote', w.majority);
    }
    return { cells: cells.length };
  },
});

export const trainClassifierStep = defineStep({
  name: 'train-classifier',
  params: z.strictObject({
    out: z.string().default(() => join(installedModelsDir(), 'classifier')),
    epochs: z.number().int().min(1).default(8),
    maxCells: z.number().int().min(0).default(60000),
    lfCells: z.number().int().min(0).default(0),
    maxSeconds: z.number().min(0).default(0),
    resume: z.string().optional(),
    ...corpusChoice,
    embed: z.number().int().min(1).optional(),
    hidden: z.number().int().min(1).optional(),
    labelModelWeight: z.number().min(0).max(1).default(0.5),
    /** false: no stacker fitted on the hand labels. */
    stacker: z.boolean().default(true),
    teacher: z.string().optional(),
    handRepeat: z.number().int().min(0).default(0),
    /** PyTorch processes (torchrun, DistributedDataParallel); 1 = a plain `python3 train_classifier.py`. */
    procs: z.number().int().min(1).default(1),
    /** Recorded in the manifest: how the model was made. */
    command: z.string().default('gds train classifier'),
  }),
  async run(p, io): Promise<{ outDir: string }> {
    const { cells, corpus } = await chosenCorpusCells(p);
    const outDir = resolve(p.out);
    const sets = labelSets();
    const manifest = await trainClassifier({
      kaggleDir: corpus.kind === 'kaggle-cache' ? corpus.path : '',
      cells, corpus, goldPath: goldPath(),
      labels: { train: sets.train, test: [sets.test], audit: sets.audit },
      handRepeat: p.handRepeat,
      labelModelWeight: p.labelModelWeight,
      ...(p.stacker ? { stackerScript: join(pythonScriptsDir(), 'fit_stacker.py') } : {}),
      ...(p.embed ? { embed: p.embed } : {}),
      ...(p.hidden ? { hidden: p.hidden } : {}),
      ...(p.teacher ? { teacher: resolve(p.teacher) } : {}),
      readCodeCells, outDir,
      python: pythonExecutable(),
      script: join(pythonScriptsDir(), 'train_classifier.py'),
      epochs: p.epochs, maxCells: p.maxCells, lfCells: p.lfCells, maxSeconds: p.maxSeconds, resume: p.resume, procs: p.procs,
      command: p.command,
      log: io.log,
    });
    type Reports = Record<'endModel' | 'endModelInContext' | 'labelModel' | 'majorityVote', GoldReport>
      & { role?: string; lstmAlone?: GoldReport; mixture?: GoldReport };
    const labelSetReports = Object.entries((manifest.labelSetMetrics ?? {}) as Record<string, Reports>);
    for (const [title, r] of [['shared gold (report-dev.jsonl)', manifest.metrics as Reports] as const, ...labelSetReports]) {
      io.out(`## ${title}${r.role ? ` (${r.role})` : ''}`);
      printReport(io, 'end model (as shipped), each cell alone', r.endModel);
      if (r.mixture) printReport(io, 'LSTM × label model, each cell alone', r.mixture);
      if (r.lstmAlone) printReport(io, 'LSTM alone', r.lstmAlone);
      printReport(io, 'as shipped, in notebook context', r.endModelInContext);
      printReport(io, 'label model', r.labelModel);
      printReport(io, 'majority vote', r.majorityVote);
    }
    io.out(`model written to ${outDir}`);
    return { outDir };
  },
});

export const evalClassifierStep = defineStep({
  name: 'eval-classifier',
  params: z.strictObject({
    gold: z.string(),
    model: z.string().optional(),
    /** false: every cell judged alone, ignoring the other cells of its notebook. */
    context: z.boolean().default(true),
  }),
  async run(p, io): Promise<{ model: string; accuracy: number }> {
    // Rows without "source" (gold-audit.jsonl) take it from the shared gold.
    const gold = readGold(p.gold, goldPath());
    const dir = classifierDirFrom(p.model);
    const clf = await loadClassifier(dir);
    const alone = await clf.classify(gold.map((g) => g.source));
    const truth = gold.map((g) => g.stage);
    const aloneScores = score(truth, alone.map((o) => o.stage));
    // Cells of one notebook are right or wrong together: the interval resamples notebooks, not cells.
    // A cell without a notebook is a notebook of its own.
    const clusters = gold.map((g) => g.notebook || `cell:${g.id}`);
    const notebooks = new Set(clusters).size;
    const interval = (pred: Array<{ stage: string }>): string => {
      const { low, high } = clusterBootstrapInterval(pred.map((o, i) => o.stage === truth[i]), clusters);
      const over = `${notebooks} notebook${notebooks === 1 ? '' : 's'}`;
      return `accuracy 95% interval (bootstrap over ${over}): ${(100 * low).toFixed(1)}–${(100 * high).toFixed(1)}%`;
    };
    if (!p.context) {
      io.out(`model: ${dir}\n${formatScores('stage classifier (each cell alone)', aloneScores)}\n${interval(alone)}`);
      return { model: dir, accuracy: aloneScores.accuracy };
    }
    const inContext = await classifyByNotebook(clf, gold, crawlFiles());
    const changed = inContext.filter((o, i) => o.stage !== alone[i]!.stage).length;
    const scores = score(truth, inContext.map((o) => o.stage));
    io.out(`model: ${dir}\n${formatScores('stage classifier (cells in notebook context)', scores)}\n${interval(inContext)}`);
    io.out(`each cell alone: accuracy ${(100 * aloneScores.accuracy).toFixed(1)}%, macro-F1 ${(100 * aloneScores.macroF1).toFixed(1)}%; ` +
      `context changed ${changed} of ${gold.length} cells`);
    return { model: dir, accuracy: scores.accuracy };
  },
});
