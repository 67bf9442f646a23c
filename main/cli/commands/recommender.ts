// `gds` subcommands for the recommender: train recommender, eval recommender, suggest --jsonl (registered by main/cli/program.ts).
// train/eval recommender are argument adapters over the pipeline's typed steps (pipeline/jobs/steps/recommender-steps.ts).
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { checkCells } from '../../../ml/cell-limits.ts';
import { loadClassifier, type StageClassifier } from '../../../ml/classifier/classifier.ts';
import { CachedClassifier } from '../../../ml/classifier/cached-classifier.ts';
import type { Stage } from '../../../ml/classifier/stages.ts';
import { KEY_KINDS } from '../../../ml/recommender/key-recommender.ts';
import { loadRecommender, type RecommenderKind } from '../../../ml/recommender/recommender.ts';
import { activeModelDir, installedModelsDir } from '../../../pipeline/app-paths.ts';
import type { TaskParams } from '../../../pipeline/jobs/steps/registry.ts';
import { defaultRecommenderDir, evalRecommenderStep, trainRecommenderStep } from '../../../pipeline/jobs/steps/recommender-steps.ts';
import { consoleIo, parseParams } from '../../../pipeline/jobs/steps/step.ts';

function findOrCreate(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

interface EvalOptions {
  model?: string;
  previous?: string;
  seq2seq?: string;
  positions: string;
  corpus?: string;
  db?: string;
  all?: boolean;
  json?: boolean;
}

export function registerRecommenderCommands(program: Command): void {
  findOrCreate(program, 'train', 'train a model')
    .command('recommender')
    .description('train the next-line recommender (per-stage + single seq2seq, n-gram), evaluate on held-out datasets, write model folders')
    .option('--out <dir>', 'model folder to write', join(installedModelsDir(), 'recommender'))
    .option('--per-dataset <n>', 'seq2seq: notebooks per dataset or repository (0: all; a subsample for the CPU budget)', '50')
    .option('--stage-pairs <n>', 'training pairs per stage model', '4000')
    .option('--single-pairs <n>', 'training pairs for the single model', '8000')
    .option('--epochs <n>', 'epochs (at most, with --patience)', '2')
    .option('--patience <n>', 'seq2seq: stop after n epochs without a better validation loss, keeping the best (0: off)', '0')
    .option('--max-minutes <n>', 'seq2seq: training minutes per sub-model; keys: minutes of writing reranker rows (0: no limit)', '0')
    .option('--hidden <n>', 'GRU hidden size', '128')
    .option('--emb <n>', 'embedding size', '48')
    .option('--layers <n>', 'GRU layers', '2')
    .option('--attn <score>', 'Luong attention score: dot | general | concat', 'general')
    .option('--eval-pairs <n>', 'held-out pairs to evaluate on', '600')
    .option(
      '--corpus <path>',
      'train on this folder or .zip of notebooks (any depth; datasets/<slug>/ names the dataset) instead of the shared corpora',
    )
    .option('--db <file>', 'train on the notebooks of this corpus database (gds import), duplicates skipped')
    .option(
      '--resume [checkpoint]',
      'continue an interrupted run: keys: reuse the counts and the reranker rows in --out; seq2seq: <out>/checkpoint.pt, exported sub-models kept',
    )
    .option('--kind <kind>', "keys (call-key n-grams + reranker, the default) | seq2seq (the report's GRU models)", 'keys')
    .option('--positions <n>', 'keys: reranker training positions', '60000')
    .option('--procs <n>', 'seq2seq: PyTorch processes (torchrun, DistributedDataParallel)', '1')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const str = (k: string): string | undefined => (typeof o[k] === 'string' ? o[k] : undefined);
      const num = (k: string): number => Number(o[k]);
      const params = parseParams('train recommender', trainRecommenderStep.params, {
        out: str('out'),
        kind: o.kind === 'seq2seq' ? 'seq2seq' : 'keys',
        perDataset: num('perDataset'),
        stagePairs: num('stagePairs'),
        singlePairs: num('singlePairs'),
        epochs: num('epochs'),
        patience: num('patience'),
        maxMinutes: num('maxMinutes'),
        hidden: num('hidden'),
        emb: num('emb'),
        layers: num('layers'),
        attn: o.attn === 'dot' || o.attn === 'concat' ? o.attn : 'general',
        evalPairs: num('evalPairs'),
        corpus: str('corpus'),
        db: str('db'),
        resume: o.resume,
        positions: num('positions'),
        procs: num('procs'),
        command: `gds ${process.argv.slice(2).join(' ')}`,
      } satisfies TaskParams<'train-recommender'>);
      await trainRecommenderStep.run(params, consoleIo());
    });

  findOrCreate(program, 'eval', 'evaluate a model')
    .command('recommender')
    .description('the next-line metric (api@k, exact@k, valid, defined) at statements of held-out notebooks, every method beside the baselines')
    .option('--model <dir>', 'recommender model folder (keys format)')
    .option('--previous <dir>', 'also evaluate this earlier model folder (masked-line n-gram or seq2seq format)')
    .option('--seq2seq <dir>', 'also evaluate the per-stage and single GRU models of this folder (gds train recommender --kind seq2seq)')
    .option('--positions <n>', 'statements sampled per held-out set', '2000')
    .option('--corpus <path>', 'evaluate on this folder or .zip of notebooks instead of the shared corpora')
    .option('--db <file>', 'evaluate on the notebooks of this corpus database')
    .option('--all', 'every notebook of --corpus/--db, not only its held-out groups (they may have been trained on)')
    .option('--json', 'print one JSON line instead of the table')
    .action(async (o: EvalOptions) => {
      const params = parseParams('eval recommender', evalRecommenderStep.params, {
        model: o.model,
        previous: o.previous,
        seq2seq: o.seq2seq,
        positions: Number(o.positions),
        corpus: o.corpus,
        db: o.db,
        all: o.all === true,
        json: o.json === true,
      } satisfies TaskParams<'eval-recommender'>);
      await evalRecommenderStep.run(params, consoleIo());
    });

  program
    .command('suggest')
    .description('next-line suggestions: reads {"id","cells"} JSON lines on stdin, writes {"id","stage","suggestions"} lines')
    .option('--jsonl', 'JSON lines in, JSON lines out')
    .option('--top <k>', 'suggestions per request', '5')
    .option('--model <dir>', 'recommender model folder')
    .option(
      '--kind <kind>',
      "rerank | ngram-cache | bigram | most-frequent (keys models), per-stage | single | ngram (older models); default: the manifest's",
    )
    .action(async (o: { jsonl?: boolean; top: string; model?: string; kind?: string }) => {
      if (!o.jsonl) throw new Error('only --jsonl is supported');
      const kinds = ['per-stage', 'single', 'ngram', ...KEY_KINDS];
      if (o.kind && !kinds.includes(o.kind)) throw new Error(`--kind must be one of ${kinds.join(', ')}`);
      const rec = await loadRecommender(resolve(o.model ?? defaultRecommenderDir()), o.kind ? { kind: o.kind as RecommenderKind } : {});
      const stageOf = await badgeStages();
      const top = Math.max(1, Number(o.top) || 5);
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        if (!line.trim()) continue;
        let id: unknown = null;
        try {
          const req = JSON.parse(line) as { id?: unknown; cells?: unknown };
          id = req.id ?? null;
          const cells = Array.isArray(req.cells) ? req.cells.map((c) => (typeof c === 'string' ? c : '')) : [];
          const size = cells.reduce((a, c) => a + c.length, 0);
          if (size > MAX_REQUEST_CHARS) throw new Error(`request too large: ${size} characters of cells (limit ${MAX_REQUEST_CHARS})`);
          // A cell too big or nested too deep for the models is answered with an error line, like any bad request.
          checkCells(cells);
          const r = await rec.suggest(cells, { top, stage: await stageOf(cells) });
          process.stdout.write(`${JSON.stringify({ id, stage: r.stage, suggestions: r.suggestions })}\n`);
        } catch (e) {
          process.stdout.write(`${JSON.stringify({ id, error: (e as Error).message })}\n`);
        }
      }
    });
}

const MAX_REQUEST_CHARS = 2_000_000;

/** The stage the editor's badge would show for the last non-empty cell: the classifier in notebook context (none: undefined). */
async function badgeStages(): Promise<(cells: string[]) => Promise<Stage | undefined>> {
  let clf: StageClassifier | undefined;
  try {
    clf = await loadClassifier(activeModelDir('classifier'));
  } catch {
    return async () => undefined;
  }
  const cached = new CachedClassifier(clf);
  return (cells) => cached.stageAfter(cells);
}
