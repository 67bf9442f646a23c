// `gds` subcommands for the stage classifier: label --analyze, train classifier, classify --jsonl, eval classifier.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { bundledModelsDir, installedModelsDir, labelSets, pythonScriptsDir } from '../../../pipeline/app-paths.ts';
import { ensureKaggleCorpus, goldPath } from '../../../pipeline/corpus-cache.ts';
import { loadClassifier, resolveModelDir, type CellSignals, type NotebookStream, type StageClassifier } from '../../../ml/classifier/classifier.ts';
import { cellLimitError } from '../../../ml/cell-limits.ts';
import { LABELING_FUNCTIONS, applyLfs } from '../../../ml/classifier/labeling-functions/index.ts';
import { STAGES } from '../../../ml/classifier/stages.ts';
import { addStacker } from '../../../pipeline/training/classifier/add-stacker.ts';
import { chosenCorpusCells, readCodeCells } from '../../../pipeline/training/classifier/corpus-cells.ts';
import { fitLabelModel } from '../../../pipeline/training/classifier/fit-label-model.ts';
import { readGold } from '../../../pipeline/training/classifier/gold.ts';
import { classifyByNotebook, type NotebookFiles } from '../../../pipeline/training/classifier/labelled-cells-in-context.ts';
import { analyzeLfs, formatLfStats } from '../../../pipeline/training/classifier/lf-analysis.ts';
import { excludeGold, unitHash } from '../../../pipeline/training/classifier/lstm-training-set.ts';
import { clusterBootstrapInterval, formatScores, score } from '../../../pipeline/training/classifier/metrics.ts';
import { evaluateWeakLabels, type GoldReport } from '../../../pipeline/training/classifier/score-model.ts';
import { trainClassifier } from '../../../pipeline/training/classifier/train-classifier.ts';
import type { CorpusChoice } from '../../../pipeline/training/corpus-choice.ts';

/** `train` and `eval` are shared with the recommender: reuse the parent command when another area created it first. */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

function modelDirFrom(option: string | undefined): string {
  if (option) {
    const dir = resolve(option);
    if (!existsSync(join(dir, 'model.onnx'))) throw new Error(`no model.onnx in ${dir}`);
    return dir;
  }
  return resolveModelDir([join(installedModelsDir(), 'classifier'), join(bundledModelsDir(), 'classifier')]);
}

/** The Kaggle crawl, so labelled cells are judged in their whole notebooks; none when it cannot be unpacked here. */
function crawlFiles(): NotebookFiles | undefined {
  try {
    return { kaggleDir: ensureKaggleCorpus(), read: readCodeCells };
  } catch {
    return undefined;
  }
}

function printReport(title: string, r: GoldReport): void {
  process.stdout.write(`${formatScores(`${title} — all hand labels`, r.all)}\n`);
  process.stdout.write(`${title}: dev half ${(100 * r.dev.accuracy).toFixed(1)}% (n=${r.dev.n}), untouched test half ${(100 * r.test.accuracy).toFixed(1)}% (n=${r.test.n})\n\n`);
}

/**
 * Answers lines as they arrive: lines are batched while input is flowing, and a batch goes out once input pauses.
 * A line may name its `notebook`: lines with the same name are that notebook's code cells in order, each judged with
 * the cells before it, as the editor does (only earlier lines matter, so answers still stream).
 */
async function classifyJsonl(clf: StageClassifier): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  type Pending = { id: unknown; source?: string; notebook?: string; error?: string };
  const streams = new Map<string, NotebookStream>();
  let pending: Pending[] = [];
  let chain = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    chain = chain.then(async () => {
      const ok = batch.filter((p) => p.source !== undefined);
      // One cell that fails does not take its batch down: the batch is retried cell by cell, and that cell gets an error line.
      const signals: Array<CellSignals | Error> = await clf.signals(ok.map((p) => p.source!)).catch(() =>
        Promise.all(ok.map((p) => clf.signals([p.source!]).then((r) => r[0]!, (e: unknown) => (e instanceof Error ? e : new Error(String(e)))))));
      let k = 0;
      const out = batch.map((p) => {
        if (p.source === undefined) return JSON.stringify({ id: p.id, error: p.error });
        const sig = signals[k++]!;
        if (sig instanceof Error) return JSON.stringify({ id: p.id, error: sig.message });
        if (p.notebook === undefined) {
          const r = clf.alone(sig);
          return JSON.stringify({ id: p.id, stage: r.stage, probs: r.probs });
        }
        let stream = streams.get(p.notebook);
        if (!stream) streams.set(p.notebook, (stream = clf.notebookStream()));
        const r = stream.next(p.source, sig);
        // The contract's three keys exactly, in context as alone (other tools parse these lines).
        return JSON.stringify({ id: p.id, stage: r.stage, probs: r.probs });
      });
      process.stdout.write(`${out.join('\n')}\n`);
    });
  };
  for await (const line of rl) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as { id?: unknown; source?: unknown; notebook?: unknown };
      const tooBig = typeof row.source === 'string' ? cellLimitError(row.source) : null;
      if (typeof row.source !== 'string') pending.push({ id: row.id ?? null, error: 'missing "source" string' });
      // A cell too big or nested too deep for the models gets an error line (and is left out of its notebook's context).
      else if (tooBig) pending.push({ id: row.id ?? null, error: `cell ${tooBig}` });
      else if (row.notebook !== undefined && typeof row.notebook !== 'string') pending.push({ id: row.id ?? null, error: '"notebook" must be a string' });
      else pending.push({ id: row.id ?? null, source: row.source, ...(typeof row.notebook === 'string' ? { notebook: row.notebook } : {}) });
    } catch {
      pending.push({ id: null, error: 'line is not JSON' });
    }
    if (pending.length >= 64) flush();
    else if (!timer) timer = setTimeout(flush, 5);
  }
  flush();
  await chain;
}

export function registerClassifierCommands(program: Command): void {
  program
    .command('label')
    .description('weak labels for the stage classifier')
    .option('--analyze', 'print coverage, overlap, conflict and hand-label accuracy per labeling function')
    .option('--gold <file>', 'hand-labelled cells (JSON lines with stage and source)', goldPath())
    .option('--max-cells <n>', 'analyze a deterministic sample of this many corpus cells', (v) => Number(v))
    .option('--corpus <path>', 'folder or .zip of notebooks to analyze instead of the Kaggle crawl cache')
    .option('--db <file>', 'corpus database (gds import) to analyze instead of the Kaggle crawl cache')
    .action(async (opts: { analyze?: boolean; gold: string; maxCells?: number } & CorpusChoice) => {
      if (!opts.analyze) throw new Error('nothing to do: pass --analyze');
      const gold = readGold(opts.gold, goldPath());
      const sets = labelSets();
      const ours = [...sets.train, sets.test, sets.audit].filter((p) => existsSync(p)).map((p) => ({ path: p, cells: readGold(p, goldPath()) }));
      const { cells: all, corpus } = await chosenCorpusCells(opts);
      process.stdout.write(`corpus: ${corpus.kind} ${corpus.path}\n`);
      let cells = excludeGold(all, [...gold, ...ours.flatMap((o) => o.cells)]).kept;
      if (opts.maxCells && cells.length > opts.maxCells) {
        const share = opts.maxCells / cells.length;
        cells = cells.filter((c, i) => unitHash(`${c.notebook}:${i}`) < share);
      }
      const t0 = Date.now();
      const votes = applyLfs(cells.map((c) => c.source));
      const lfSeconds = (Date.now() - t0) / 1000;
      const t1 = Date.now();
      const params = fitLabelModel(votes, LABELING_FUNCTIONS.map((l) => l.name), LABELING_FUNCTIONS.map((l) => STAGES.indexOf(l.stage)));
      const fitSeconds = (Date.now() - t1) / 1000;
      const goldVotes = applyLfs(gold.map((g) => g.source));
      const stats = analyzeLfs(LABELING_FUNCTIONS, votes, goldVotes, gold.map((g) => g.stage));
      process.stdout.write(`${LABELING_FUNCTIONS.length} labeling functions on ${cells.length} corpus cells (gold notebooks excluded): LFs ${lfSeconds.toFixed(1)} s, label model fit ${fitSeconds.toFixed(2)} s\n`);
      process.stdout.write(`${formatLfStats(stats)}\n\n`);
      const weak = evaluateWeakLabels(gold, params);
      printReport('label model', weak.labelModel);
      printReport('majority vote', weak.majority);
      for (const o of ours) {
        const weak = evaluateWeakLabels(o.cells, params);
        process.stdout.write(`## ${o.path}\n`);
        printReport('label model', weak.labelModel);
        printReport('majority vote', weak.majority);
      }
    });

  group(program, 'train', 'train a model')
    .command('classifier')
    .description('weak labels → label model → LSTM (PyTorch child process) → ONNX model folder with manifest')
    .option('--out <dir>', 'model folder to write', join(installedModelsDir(), 'classifier'))
    .option('--epochs <n>', 'maximum epochs (early stopping on validation loss)', (v) => Number(v), 8)
    .option('--max-cells <n>', 'cap on distinct training cells for the LSTM', (v) => Number(v), 60000)
    .option('--lf-cells <n>', 'apply LFs / fit the label model on a sample of this many cells (0 = whole crawl)', (v) => Number(v), 0)
    .option('--max-seconds <n>', 'wall-time budget for the PyTorch run (0 = none)', (v) => Number(v), 0)
    .option('--resume <checkpoint>', 'continue from a checkpoint.pt of an earlier run')
    .option('--corpus <path>', 'train on this folder or .zip of notebooks (any depth) instead of the Kaggle crawl cache')
    .option('--db <file>', 'train on the notebooks of this corpus database (gds import), duplicates skipped')
    .option('--embed <n>', 'embedding size of the LSTM (trainer default 64)', (v) => Number(v))
    .option('--hidden <n>', 'hidden size of the LSTM (trainer default 64)', (v) => Number(v))
    .option('--label-model-weight <w>', 'share of the label model in the mixture the stacker reads (and the cell-alone answer without one): 0 = the LSTM alone, 1 = the label model alone; docs/EVALUATION.md', (v) => Number(v), 0.5)
    .option('--no-stacker', 'do not fit the stacker on the hand labels (in-context answers from the notebook-context rules alone)')
    .option('--teacher <dir>', 'self-training: the LSTM learns what this classifier folder (with a stacker) answers for the crawl in notebook context, instead of the label model\'s labels')
    .option('--hand-repeat <n>', 'times each of our hand-labelled training cells (resources/labels) joins the LSTM training rows; 0 = weak labels only', (v) => Number(v), 0)
    .action(async (opts: { out: string; epochs: number; maxCells: number; lfCells: number; maxSeconds: number; resume?: string; handRepeat: number; labelModelWeight: number; stacker: boolean; embed?: number; hidden?: number; teacher?: string } & CorpusChoice) => {
      if (!(opts.labelModelWeight >= 0 && opts.labelModelWeight <= 1)) throw new Error('--label-model-weight must be between 0 and 1');
      const { cells, corpus } = await chosenCorpusCells(opts);
      const manifest = await trainClassifier({
        kaggleDir: corpus.kind === 'kaggle-cache' ? corpus.path : '',
        cells,
        corpus,
        goldPath: goldPath(),
        labels: { train: labelSets().train, test: [labelSets().test], audit: labelSets().audit },
        handRepeat: opts.handRepeat,
        labelModelWeight: opts.labelModelWeight,
        ...(opts.stacker ? { stackerScript: join(pythonScriptsDir(), 'fit_stacker.py') } : {}),
        ...(opts.embed ? { embed: opts.embed } : {}),
        ...(opts.hidden ? { hidden: opts.hidden } : {}),
        ...(opts.teacher ? { teacher: resolve(opts.teacher) } : {}),
        readCodeCells,
        outDir: resolve(opts.out),
        python: process.env.GDS_PYTHON ?? '/usr/bin/python3',
        script: join(pythonScriptsDir(), 'train_classifier.py'),
        epochs: opts.epochs,
        maxCells: opts.maxCells,
        lfCells: opts.lfCells,
        maxSeconds: opts.maxSeconds,
        resume: opts.resume,
        command: `gds ${process.argv.slice(2).join(' ')}`,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      type Reports = Record<'endModel' | 'endModelInContext' | 'labelModel' | 'majorityVote', GoldReport> & { role?: string; lstmAlone?: GoldReport; mixture?: GoldReport };
      const sets = Object.entries((manifest.labelSetMetrics ?? {}) as Record<string, Reports>);
      for (const [title, r] of [['shared gold (report-dev.jsonl)', manifest.metrics as Reports] as const, ...sets]) {
        process.stdout.write(`## ${title}${r.role ? ` (${r.role})` : ''}\n`);
        printReport('end model (as shipped), each cell alone', r.endModel);
        if (r.mixture) printReport('LSTM × label model, each cell alone', r.mixture);
        if (r.lstmAlone) printReport('LSTM alone', r.lstmAlone);
        printReport('as shipped, in notebook context', r.endModelInContext);
        printReport('label model', r.labelModel);
        printReport('majority vote', r.majorityVote);
      }
      process.stdout.write(`model written to ${resolve(opts.out)}\n`);
    });

  group(program, 'train', 'train a model')
    .command('stacker')
    .description('fit the stacker of a classifier model folder on our hand labels (resources/labels) and rescore the folder')
    .option('--model <dir>', 'model folder (default: installed, else bundled)')
    .action(async (opts: { model?: string }) => {
      const dir = modelDirFrom(opts.model);
      const sets = labelSets();
      const r = await addStacker({
        modelDir: dir,
        files: { kaggleDir: ensureKaggleCorpus(), read: readCodeCells },
        goldPath: goldPath(),
        labels: { train: sets.train, test: [sets.test], audit: sets.audit },
        script: join(pythonScriptsDir(), 'fit_stacker.py'),
        command: `gds ${process.argv.slice(2).join(' ')}`,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
      process.stdout.write(`stacker fitted on ${r.cells} cells of ${r.trainedOn.join(', ')} (C=${r.c}, token weight ${r.tokenWeight}, ${r.tokens} tokens)\n`);
      process.stdout.write(`cross-validated by dataset, in notebook context: stacker ${pct(r.cvAccuracy)}, notebook-context rules ${pct(r.cvRulesAccuracy)}\n`);
      for (const [file, f] of Object.entries(r.perFile)) process.stdout.write(`  ${file.padEnd(18)} ${String(f.cells).padStart(5)} cells  stacker ${pct(f.stacker)} (macro-F1 ${pct(f.stackerMacroF1)})  rules ${pct(f.rules)} (${pct(f.rulesMacroF1)})\n`);
      process.stdout.write(`each cell alone (C=${r.alone.c}, token weight ${r.alone.tokenWeight}): stacker ${pct(r.alone.cvAccuracy)}, mixture (LSTM × label model) ${pct(r.alone.cvMixtureAccuracy)}\n`);
      for (const [file, f] of Object.entries(r.alone.perFile)) process.stdout.write(`  ${file.padEnd(18)} ${String(f.cells).padStart(5)} cells  stacker ${pct(f.stacker)} (macro-F1 ${pct(f.stackerMacroF1)})  mixture ${pct(f.mixture)} (${pct(f.mixtureMacroF1)})\n`);
      process.stdout.write(`written to ${join(dir, 'stacker.json')}; manifest rescored\n`);
    });

  program
    .command('classify')
    .description('stage of each cell: JSON lines {"id","source"} on stdin → {"id","stage","probs"} on stdout, in order')
    .option('--jsonl', 'read and write JSON lines (the only format)')
    .option('--model <dir>', 'model folder (default: installed, else bundled)')
    .action(async (opts: { jsonl?: boolean; model?: string }) => {
      if (!opts.jsonl) throw new Error('pass --jsonl');
      await classifyJsonl(await loadClassifier(modelDirFrom(opts.model)));
    });

  group(program, 'eval', 'evaluate a model')
    .command('classifier')
    .description('accuracy, macro-F1, per-stage P/R/F1 and confusion matrix on hand-labelled cells')
    .requiredOption('--gold <file>', 'JSON lines with "stage" and "source" (and "notebook", "code_cell" for context)')
    .option('--model <dir>', 'model folder (default: installed, else bundled)')
    .option('--no-context', 'judge every cell alone, ignoring the other cells of its notebook')
    .action(async (opts: { gold: string; model?: string; context: boolean }) => {
      // Rows without "source" (gold-audit.jsonl) take it from the shared gold.
      const gold = readGold(opts.gold, goldPath());
      const dir = modelDirFrom(opts.model);
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
        return `accuracy 95% interval (bootstrap over ${notebooks} notebook${notebooks === 1 ? '' : 's'}): ${(100 * low).toFixed(1)}–${(100 * high).toFixed(1)}%\n`;
      };
      if (!opts.context) {
        process.stdout.write(`model: ${dir}\n${formatScores('stage classifier (each cell alone)', aloneScores)}\n${interval(alone)}`);
        return;
      }
      const inContext = await classifyByNotebook(clf, gold, crawlFiles());
      const changed = inContext.filter((o, i) => o.stage !== alone[i]!.stage).length;
      process.stdout.write(`model: ${dir}\n${formatScores('stage classifier (cells in notebook context)', score(truth, inContext.map((o) => o.stage)))}\n${interval(inContext)}`);
      process.stdout.write(`each cell alone: accuracy ${(100 * aloneScores.accuracy).toFixed(1)}%, macro-F1 ${(100 * aloneScores.macroF1).toFixed(1)}%; context changed ${changed} of ${gold.length} cells\n`);
    });
}
