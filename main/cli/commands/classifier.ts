// `gds` subcommands for the stage classifier: label --analyze, train classifier, train stacker, classify --jsonl, eval classifier.
// label, train classifier and eval classifier are argument adapters over the pipeline's typed steps (pipeline/jobs/steps).
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { installedModelsDir, labelSets, pythonScriptsDir } from '../../../pipeline/app-paths.ts';
import { ensureKaggleCorpus, goldPath } from '../../../pipeline/corpus-cache.ts';
import { loadClassifier, type CellSignals, type NotebookStream, type StageClassifier } from '../../../ml/classifier/classifier.ts';
import { cellLimitError } from '../../../ml/cell-limits.ts';
import type { TaskParams } from '../../../pipeline/jobs/steps/registry.ts';
import { classifierDirFrom, evalClassifierStep, labelStep, trainClassifierStep } from '../../../pipeline/jobs/steps/classifier-steps.ts';
import { consoleIo, parseParams } from '../../../pipeline/jobs/steps/step.ts';
import { addStacker } from '../../../pipeline/training/classifier/add-stacker.ts';
import { readCodeCells } from '../../../pipeline/training/classifier/corpus-cells.ts';
import type { CorpusChoice } from '../../../pipeline/training/corpus-choice.ts';

/** `train` and `eval` are shared with the recommender: reuse the parent command when another area created it first. */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

type TrainClassifierOptions = {
  out: string;
  epochs: number;
  maxCells: number;
  lfCells: number;
  maxSeconds: number;
  resume?: string;
  handRepeat: number;
  labelModelWeight: number;
  stacker: boolean;
  embed?: number;
  hidden?: number;
  teacher?: string;
  procs: number;
} & CorpusChoice;

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
        Promise.all(
          ok.map((p) =>
            clf.signals([p.source!]).then(
              (r) => r[0]!,
              (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
            ),
          ),
        ),
      );
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
      else if (row.notebook !== undefined && typeof row.notebook !== 'string')
        pending.push({ id: row.id ?? null, error: '"notebook" must be a string' });
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
      const params = { gold: opts.gold, maxCells: opts.maxCells, corpus: opts.corpus, db: opts.db } satisfies TaskParams<'label'>;
      await labelStep.run(parseParams('label', labelStep.params, params), consoleIo());
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
    .option(
      '--label-model-weight <w>',
      'share of the label model in the mixture the stacker reads (and the cell-alone answer without one): 0 = the LSTM alone, 1 = the label model ' +
        'alone; docs/EVALUATION.md',
      (v) => Number(v),
      0.5,
    )
    .option('--no-stacker', 'do not fit the stacker on the hand labels (in-context answers from the notebook-context rules alone)')
    .option(
      '--teacher <dir>',
      "self-training: the LSTM learns what this classifier folder (with a stacker) answers for the crawl in notebook context, instead of the label model's labels",
    )
    .option(
      '--hand-repeat <n>',
      'times each of our hand-labelled training cells (resources/labels) joins the LSTM training rows; 0 = weak labels only',
      (v) => Number(v),
      0,
    )
    .option('--procs <n>', 'PyTorch processes (torchrun, DistributedDataParallel; gloo on CPU, NCCL on GPUs)', (v) => Number(v), 1)
    .action(async (opts: TrainClassifierOptions) => {
      const params = parseParams('train classifier', trainClassifierStep.params, {
        out: opts.out,
        epochs: opts.epochs,
        maxCells: opts.maxCells,
        lfCells: opts.lfCells,
        maxSeconds: opts.maxSeconds,
        resume: opts.resume,
        corpus: opts.corpus,
        db: opts.db,
        embed: opts.embed,
        hidden: opts.hidden,
        labelModelWeight: opts.labelModelWeight,
        stacker: opts.stacker,
        teacher: opts.teacher,
        handRepeat: opts.handRepeat,
        procs: opts.procs,
        command: `gds ${process.argv.slice(2).join(' ')}`,
      } satisfies TaskParams<'train-classifier'>);
      await trainClassifierStep.run(params, consoleIo());
    });

  group(program, 'train', 'train a model')
    .command('stacker')
    .description('fit the stacker of a classifier model folder on our hand labels (resources/labels) and rescore the folder')
    .option('--model <dir>', 'model folder (default: installed, else bundled)')
    .action(async (opts: { model?: string }) => {
      const dir = classifierDirFrom(opts.model);
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
      process.stdout.write(
        `stacker fitted on ${r.cells} cells of ${r.trainedOn.join(', ')} (C=${r.c}, token weight ${r.tokenWeight}, ${r.tokens} tokens)\n`,
      );
      process.stdout.write(
        `cross-validated by dataset, in notebook context: stacker ${pct(r.cvAccuracy)}, notebook-context rules ${pct(r.cvRulesAccuracy)}\n`,
      );
      for (const [file, f] of Object.entries(r.perFile))
        process.stdout.write(
          `  ${file.padEnd(18)} ${String(f.cells).padStart(5)} cells  stacker ${pct(f.stacker)} (macro-F1 ${pct(f.stackerMacroF1)})  rules ` +
            `` +
            `${pct(f.rules)} (${pct(f.rulesMacroF1)})\n`,
        );
      process.stdout.write(
        `each cell alone (C=${r.alone.c}, token weight ${r.alone.tokenWeight}): stacker ${pct(r.alone.cvAccuracy)}, mixture (LSTM × label model) ` +
          `${pct(r.alone.cvMixtureAccuracy)}\n`,
      );
      for (const [file, f] of Object.entries(r.alone.perFile))
        process.stdout.write(
          `  ${file.padEnd(18)} ${String(f.cells).padStart(5)} cells  stacker ${pct(f.stacker)} (macro-F1 ${pct(f.stackerMacroF1)})  mixture ` +
            `${pct(f.mixture)} (${pct(f.mixtureMacroF1)})\n`,
        );
      process.stdout.write(`written to ${join(dir, 'stacker.json')}; manifest rescored\n`);
    });

  program
    .command('classify')
    .description('stage of each cell: JSON lines {"id","source"} on stdin → {"id","stage","probs"} on stdout, in order')
    .option('--jsonl', 'read and write JSON lines (the only format)')
    .option('--model <dir>', 'model folder (default: installed, else bundled)')
    .action(async (opts: { jsonl?: boolean; model?: string }) => {
      if (!opts.jsonl) throw new Error('pass --jsonl');
      await classifyJsonl(await loadClassifier(classifierDirFrom(opts.model)));
    });

  group(program, 'eval', 'evaluate a model')
    .command('classifier')
    .description('accuracy, macro-F1, per-stage P/R/F1 and confusion matrix on hand-labelled cells')
    .requiredOption('--gold <file>', 'JSON lines with "stage" and "source" (and "notebook", "code_cell" for context)')
    .option('--model <dir>', 'model folder (default: installed, else bundled)')
    .option('--no-context', 'judge every cell alone, ignoring the other cells of its notebook')
    .action(async (opts: { gold: string; model?: string; context: boolean }) => {
      const params = { gold: opts.gold, model: opts.model, context: opts.context } satisfies TaskParams<'eval-classifier'>;
      await evalClassifierStep.run(parseParams('eval classifier', evalClassifierStep.params, params), consoleIo());
    });
}
