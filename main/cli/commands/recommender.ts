// `gds` subcommands for the recommender: train recommender, eval recommender, suggest --jsonl (registered by main/cli/program.ts).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { checkCells } from '../../../ml/cell-limits.ts';
import { loadClassifier, resolveModelDir, type StageClassifier } from '../../../ml/classifier/classifier.ts';
import type { Stage } from '../../../ml/classifier/stages.ts';
import { KEY_KINDS, keyRecommender, loadKeyModels } from '../../../ml/recommender/key-recommender.ts';
import { loadRecommender, type RecommenderKind } from '../../../ml/recommender/recommender.ts';
import { resolveLabeler } from '../../../ml/recommender/stage-labeler.ts';
import { installedModelsDir, bundledModelsDir, pythonScriptsDir } from '../../../pipeline/app-paths.ts';
import { keyRecommenderCorpus, seq2seqCorpus, type RecNotebook } from '../../../pipeline/training/recommender/corpus-notebooks.ts';
import { evaluateSet, resultTable, type EvalMethod } from '../../../pipeline/training/recommender/evaluate-keys.ts';
import { trainKeyRecommender } from '../../../pipeline/training/recommender/train-keys.ts';
import { trainRecommender } from '../../../pipeline/training/recommender/train-seq2seq.ts';

export function defaultRecommenderDir(): string {
  const installed = join(installedModelsDir(), 'recommender');
  return existsSync(join(installed, 'manifest.json')) ? installed : join(bundledModelsDir(), 'recommender');
}

function findOrCreate(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

export function registerRecommenderCommands(program: Command): void {
  findOrCreate(program, 'train', 'train a model')
    .command('recommender')
    .description('train the next-line recommender (per-stage + single seq2seq, n-gram), evaluate on held-out datasets, write model folders')
    .option('--out <dir>', 'model folder to write', join(installedModelsDir(), 'recommender'))
    .option('--per-dataset <n>', 'notebooks per dataset (subsample for the CPU budget)', '50')
    .option('--stage-pairs <n>', 'training pairs per stage model', '4000')
    .option('--single-pairs <n>', 'training pairs for the single model', '8000')
    .option('--epochs <n>', 'epochs', '2')
    .option('--hidden <n>', 'GRU hidden size', '128')
    .option('--emb <n>', 'embedding size', '48')
    .option('--layers <n>', 'GRU layers', '2')
    .option('--attn <score>', 'Luong attention score: dot | general | concat', 'general')
    .option('--eval-pairs <n>', 'held-out pairs to evaluate on', '600')
    .option('--corpus <path>', 'train on this folder or .zip of notebooks (any depth; datasets/<slug>/ names the dataset) instead of the Kaggle crawl cache')
    .option('--db <file>', 'train on the notebooks of this corpus database (gds import), duplicates skipped')
    .option('--resume [checkpoint]', 'continue an interrupted run: keys: reuse the counts in --out; seq2seq: <out>/checkpoint.pt, sub-models already exported are kept')
    .option('--kind <kind>', 'keys (call-key n-grams + reranker, the default) | seq2seq (the report\'s GRU models)', 'keys')
    .option('--positions <n>', 'keys: reranker training positions', '60000')
    .action(async (o: Record<string, string | undefined>) => {
      const started = Date.now();
      if (o.kind !== 'seq2seq') {
        const log = (m: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);
        const notebooks = await keyRecommenderCorpus({ corpus: o.corpus, db: o.db }, log);
        const manifest = await trainKeyRecommender(notebooks, { outDir: resolve(o.out ?? ''), positions: Number(o.positions), resume: o.resume !== undefined, command: `gds ${process.argv.slice(2).join(' ')}`, log });
        process.stdout.write(`${JSON.stringify(manifest.reranker)}\n`);
        return;
      }
      const { labeler, name } = await resolveLabeler();
      const attn = o.attn === 'dot' || o.attn === 'concat' ? o.attn : 'general';
      const { notebooks, origin: corpus } = await seq2seqCorpus({ corpus: o.corpus, db: o.db }, Number(o.perDataset));
      const outDir = resolve(o.out ?? '');
      const { metrics, best } = await trainRecommender({
        notebooks, labeler, labelerName: name, corpus,
        outDir, workDir: join(outDir, 'work'), script: join(pythonScriptsDir(), 'train_recommender.py'),
        resume: typeof o.resume === 'string' ? resolve(o.resume) : undefined,
        command: `gds ${process.argv.slice(2).join(' ')}`,
        stagePairs: Number(o.stagePairs), singlePairs: Number(o.singlePairs), epochs: Number(o.epochs), hidden: Number(o.hidden),
        emb: Number(o.emb), layers: Number(o.layers), attn, evalPairs: Number(o.evalPairs),
        log: (m) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`),
      });
      process.stdout.write(`${JSON.stringify({ best, metrics })}\n`);
    });

  findOrCreate(program, 'eval', 'evaluate a model')
    .command('recommender')
    .description('the next-line metric (api@k, exact@k, valid, defined) at statements of held-out notebooks, every method beside the baselines')
    .option('--model <dir>', 'recommender model folder (keys format)')
    .option('--previous <dir>', 'also evaluate this earlier model folder (masked-line n-gram or seq2seq format)')
    .option('--positions <n>', 'statements sampled per held-out set', '2000')
    .option('--corpus <path>', 'evaluate on this folder or .zip of notebooks instead of the shared corpora')
    .option('--db <file>', 'evaluate on the notebooks of this corpus database')
    .option('--all', 'every notebook of --corpus/--db, not only its held-out groups (they may have been trained on)')
    .option('--json', 'print one JSON line instead of the table')
    .action(async (o: { model?: string; previous?: string; positions: string; corpus?: string; db?: string; all?: boolean; json?: boolean }) => {
      const started = Date.now();
      const log = (m: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);
      const dir = resolve(o.model ?? defaultRecommenderDir());
      const files = loadKeyModels(dir);
      const methods: EvalMethod[] = [...KEY_KINDS].reverse().map((kind) => {
        const rec = keyRecommender(files, kind);
        return { name: kind, suggest: (state, first) => rec.suggestAt(state, first, { top: 5 }).map((x) => x.text) };
      });
      if (o.previous) {
        const prev = await loadRecommender(resolve(o.previous));
        methods.unshift({ name: `previous (${prev.kind})`, suggest: async (_s, _f, context) => (await prev.suggest(context(), { top: 5 })).suggestions.map((x) => x.text) });
      }
      const everything = await keyRecommenderCorpus({ corpus: o.corpus, db: o.db }, log);
      let notebooks = everything.filter((nb) => o.all || nb.heldOut);
      if (notebooks.length === 0) {
        // A small corpus may hold out no group: evaluate on what exists, and say that these notebooks were trained on.
        log(`no held-out group among ${new Set(everything.map((nb) => nb.group)).size}: evaluating on all ${everything.length} notebooks, including training data`);
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
        results.push(await evaluateSet({ name, notebooks: nbs }, methods, Number(o.positions), undefined, (d) => d % 500 < 5 && log(`${name}: ${d} positions`)));
      }
      if (o.json) process.stdout.write(`${JSON.stringify({ model: dir, results })}\n`);
      else process.stdout.write(`${resultTable(results)}\n`);
    });

  program
    .command('suggest')
    .description('next-line suggestions: reads {"id","cells"} JSON lines on stdin, writes {"id","stage","suggestions"} lines')
    .option('--jsonl', 'JSON lines in, JSON lines out')
    .option('--top <k>', 'suggestions per request', '5')
    .option('--model <dir>', 'recommender model folder')
    .option('--kind <kind>', 'rerank | ngram-cache | bigram | most-frequent (keys models), per-stage | single | ngram (older models); default: the manifest\'s')
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
    clf = await loadClassifier(resolveModelDir([join(installedModelsDir(), 'classifier')]));
  } catch {
    return async () => undefined;
  }
  return async (cells) => {
    const filled = cells.filter((c) => c.trim());
    if (!filled.length) return 'import';
    return (await clf.classifyNotebook(filled)).at(-1)?.stage;
  };
}
