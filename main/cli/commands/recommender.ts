// `gds` subcommands for the recommender: train recommender, eval recommender, suggest --jsonl (registered by main/cli/program.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { installedModelsDir, bundledModelsDir, pythonScriptsDir } from '../../../pipeline/app-paths.ts';
import { cacheDir, ensureKaggleCorpus } from '../../../pipeline/corpus-cache.ts';
import { readNotebookFile } from '../../../pipeline/notebook/read-notebook-file.ts';
import { isHeldOut, sample, type CorpusNotebook } from '../../../ml/recommender/dataset.ts';
import { loadRecommender, type RecommenderKind } from '../../../ml/recommender/recommender.ts';
import { resolveLabeler } from '../../../ml/recommender/stage-source.ts';
import { ruleLabelCells } from '../../../ml/recommender/stage-rule.ts';
import { evaluateModelDir } from '../../../ml/recommender/eval-dir.ts';
import { trainRecommender } from '../../../ml/recommender/train.ts';

export function defaultRecommenderDir(): string {
  const installed = join(installedModelsDir(), 'recommender');
  return existsSync(join(installed, 'manifest.json')) ? installed : join(bundledModelsDir(), 'recommender');
}

function findNotebooks(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findNotebooks(p, out);
    else if (name.endsWith('.ipynb')) out.push(p);
  }
  return out;
}

/** Notebooks under PATH: a folder of .ipynb (slug = the folder under `datasets/`, else the parent) or a .jsonl.gz shard. */
function* readNotebooks(path: string, perDataset = 0): Generator<CorpusNotebook> {
  if (path.endsWith('.jsonl.gz') || path.endsWith('.jsonl')) {
    const raw = path.endsWith('.gz') ? gunzipSync(readFileSync(path)) : readFileSync(path);
    for (const line of raw.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      const nb = JSON.parse(line) as { source?: string; cells?: Array<{ type?: string; source?: string }> };
      yield { slug: nb.source ?? 'github', cells: (nb.cells ?? []).filter((c) => c.type === 'code').map((c) => c.source ?? '') };
    }
    return;
  }
  const counts = new Map<string, number>();
  for (const file of findNotebooks(path)) {
    const parts = file.split('/');
    const at = parts.lastIndexOf('datasets');
    const slug = at >= 0 ? (parts[at + 1] ?? 'unknown') : basename(resolve(file, '..'));
    if (perDataset && (counts.get(slug) ?? 0) >= perDataset) continue;
    try {
      const nb = readNotebookFile(file);
      if (nb.language !== 'python') continue;
      counts.set(slug, (counts.get(slug) ?? 0) + 1);
      yield { slug, cells: nb.cells.filter((c) => c.cellType === 'code').map((c) => c.source) };
    } catch {
      // Empty and broken files are part of the crawl; they hold no lines to learn from.
    }
  }
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
    .action(async (o: Record<string, string>) => {
      const started = Date.now();
      const { labeler, name } = await resolveLabeler();
      const attn = o.attn === 'dot' || o.attn === 'concat' ? o.attn : 'general';
      const root = join(ensureKaggleCorpus(), 'datasets');
      const { metrics, best } = await trainRecommender({
        notebooks: readNotebooks(root, Number(o.perDataset)), labeler, labelerName: name,
        outDir: resolve(o.out ?? ''), workDir: join(cacheDir(), 'recommender-work'), script: join(pythonScriptsDir(), 'train_recommender.py'),
        command: `gds ${process.argv.slice(2).join(' ')}`,
        stagePairs: Number(o.stagePairs), singlePairs: Number(o.singlePairs), epochs: Number(o.epochs), hidden: Number(o.hidden),
        emb: Number(o.emb), layers: Number(o.layers), attn, evalPairs: Number(o.evalPairs),
        log: (m) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`),
      });
      process.stdout.write(`${JSON.stringify({ best, metrics })}\n`);
    });

  findOrCreate(program, 'eval', 'evaluate a model')
    .command('recommender')
    .description('top-1 / top-5 next-line accuracy of every model and baseline on notebooks')
    .requiredOption('--notebooks <path>', 'folder of .ipynb (or a .jsonl.gz shard)')
    .option('--model <dir>', 'recommender model folder')
    .option('--held-out', 'keep only datasets held out from training (Kaggle layout)')
    .option('--max-pairs <n>', 'evaluate on at most this many next lines', '1000')
    .action(async (o: { notebooks: string; model?: string; heldOut?: boolean; maxPairs: string }) => {
      const dir = resolve(o.model ?? defaultRecommenderDir());
      const notebooks = [...readNotebooks(resolve(o.notebooks))].filter((nb) => !o.heldOut || isHeldOut(nb.slug));
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { labeler?: string };
      // Same stage labels as the models were trained with.
      const labeler = manifest.labeler === 'recommender/stage-rule' ? ruleLabelCells : (await resolveLabeler()).labeler;
      const results = await evaluateModelDir(dir, sample(notebooks, 0), labeler, Number(o.maxPairs));
      process.stdout.write(`${JSON.stringify({ notebooks: notebooks.length, ...results })}\n`);
    });

  program
    .command('suggest')
    .description('next-line suggestions: reads {"id","cells"} JSON lines on stdin, writes {"id","stage","suggestions"} lines')
    .option('--jsonl', 'JSON lines in, JSON lines out')
    .option('--top <k>', 'suggestions per request', '5')
    .option('--model <dir>', 'recommender model folder')
    .option('--kind <kind>', 'per-stage | single | ngram (default: the manifest\'s)')
    .action(async (o: { jsonl?: boolean; top: string; model?: string; kind?: string }) => {
      if (!o.jsonl) throw new Error('only --jsonl is supported');
      const kind = o.kind === 'per-stage' || o.kind === 'single' || o.kind === 'ngram' ? (o.kind as RecommenderKind) : undefined;
      const rec = await loadRecommender(resolve(o.model ?? defaultRecommenderDir()), kind ? { kind } : {});
      const top = Math.max(1, Number(o.top) || 5);
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        if (!line.trim()) continue;
        let id: unknown = null;
        try {
          const req = JSON.parse(line) as { id?: unknown; cells?: unknown };
          id = req.id ?? null;
          const cells = Array.isArray(req.cells) ? req.cells.map((c) => (typeof c === 'string' ? c : '')) : [];
          const r = await rec.suggest(cells, { top });
          process.stdout.write(`${JSON.stringify({ id, stage: r.stage, suggestions: r.suggestions })}\n`);
        } catch (e) {
          process.stdout.write(`${JSON.stringify({ id, stage: 'explore', suggestions: [], error: (e as Error).message })}\n`);
        }
      }
    });
}
