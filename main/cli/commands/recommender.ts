// `gds` subcommands for the recommender: train recommender, eval recommender, suggest --jsonl (registered by main/cli/program.ts).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { installedModelsDir, bundledModelsDir, pythonScriptsDir } from '../../../pipeline/app-paths.ts';
import { ensureKaggleCorpus } from '../../../pipeline/corpus-cache.ts';
import { parseNotebookBytes, readNotebookFile } from '../../../pipeline/notebook/read-notebook-file.ts';
import { CorpusStore } from '../../../pipeline/corpus/store.ts';
import { readZipNotebooks } from '../../../pipeline/corpus/importers/ipynb-files.ts';
import { isHeldOut, type CorpusNotebook } from '../../../ml/recommender/dataset.ts';
import { loadRecommender, type RecommenderKind } from '../../../ml/recommender/recommender.ts';
import { resolveLabeler } from '../../../ml/recommender/stage-source.ts';
import { trainRecommender } from '../../../ml/recommender/train.ts';
import { loadClassifier, resolveModelDir, type StageClassifier } from '../../../ml/classifier/classifier.ts';
import type { Stage } from '../../../ml/classifier/stages.ts';
import { checkCells } from '../../../ml/cell-limits.ts';
import { findNotebooks, markParses, recommenderCorpus, type RecNotebook } from '../../../pipeline/recommender/corpus.ts';
import { trainKeyRecommender } from '../../../pipeline/recommender/train-keys.ts';
import { evaluateSet, resultTable, type EvalMethod } from '../../../pipeline/recommender/evaluate-keys.ts';
import { KEY_KINDS, keyRecommender, loadKeyModels } from '../../../ml/recommender/key-recommender.ts';

export function defaultRecommenderDir(): string {
  const installed = join(installedModelsDir(), 'recommender');
  return existsSync(join(installed, 'manifest.json')) ? installed : join(bundledModelsDir(), 'recommender');
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

/** One notebook of a user-chosen corpus (`--corpus PATH` or `--db FILE`), as plain data for ml/. */
export interface SelectedNotebook {
  /** Dataset slug: the folder under `datasets/`, else the parent folder (files), or the source slug (database). */
  slug: string;
  /** File name (gold-notebook exclusion matches on it). */
  name: string;
  language: string;
  /** Code cells in order. */
  cells: string[];
}

export interface CorpusChoice {
  corpus?: string;
  db?: string;
}

function slugOf(path: string): string {
  const parts = path.split(/[\\/]/);
  const at = parts.lastIndexOf('datasets');
  if (at >= 0 && at + 1 < parts.length - 1) return parts[at + 1]!;
  return parts.length > 1 ? parts[parts.length - 2] || 'unknown' : 'unknown';
}

function codeOf(bytes: Buffer, path: string): SelectedNotebook | null {
  try {
    const nb = parseNotebookBytes(bytes);
    return { slug: slugOf(path), name: basename(path), language: nb.language, cells: nb.cells.filter((c) => c.cellType === 'code').map((c) => c.source) };
  } catch {
    return null; // empty and broken files hold no cells to learn from
  }
}

/** The notebooks of a zip, read within the importer's limits; an entry over one is named on stderr and skipped. */
async function readZipCorpus(path: string): Promise<SelectedNotebook[]> {
  const out: SelectedNotebook[] = [];
  const zipName = basename(path).replace(/\.zip$/i, '');
  await readZipNotebooks(path, (nb) => {
    if ('error' in nb) {
      if (nb.refused) process.stderr.write(`${nb.error}\n`);
      return;
    }
    const code = codeOf(nb.bytes, `${zipName}/${nb.name}`);
    if (code) out.push(code);
  });
  return out;
}

function readDbNotebooks(file: string): SelectedNotebook[] {
  if (!existsSync(file)) throw new Error(`no corpus database at ${file}`);
  const store = CorpusStore.open(file);
  try {
    const rows = store.db
      .prepare(
        `SELECT n.id, n.ref, n.origin_path AS originPath, n.language, s.slug FROM notebooks n LEFT JOIN sources s ON s.id = n.source_id
         WHERE n.duplicate_of IS NULL ORDER BY n.id`,
      )
      .all() as Array<{ id: number; ref: string; originPath: string | null; language: string | null; slug: string | null }>;
    const cells = new Map<number, string[]>();
    const it = store.db.prepare("SELECT notebook_id AS id, source FROM cells WHERE type = 'code' ORDER BY notebook_id, idx").iterate() as IterableIterator<{ id: number; source: string | null }>;
    for (const c of it) {
      const list = cells.get(c.id) ?? [];
      list.push(c.source ?? '');
      cells.set(c.id, list);
    }
    return rows.map((r) => {
      const path = r.originPath ?? r.ref;
      const name = basename(path).toLowerCase().endsWith('.ipynb') ? basename(path) : `${basename(path)}.ipynb`;
      return { slug: r.slug ?? slugOf(path), name, language: (r.language ?? 'python').toLowerCase(), cells: cells.get(r.id) ?? [] };
    });
  } finally {
    store.close();
  }
}

/**
 * The notebooks of `--corpus PATH` (folder at any depth, or .zip) or `--db FILE` (the `gds import` database,
 * duplicates skipped); null when neither was given (the caller falls back to the Kaggle crawl cache).
 */
export async function readSelectedCorpus(o: CorpusChoice): Promise<SelectedNotebook[] | null> {
  if (o.corpus && o.db) throw new Error('pass either --corpus or --db, not both');
  if (o.db) return readDbNotebooks(resolve(o.db));
  if (!o.corpus) return null;
  const path = resolve(o.corpus);
  if (!existsSync(path)) throw new Error(`no corpus at ${path}`);
  if (statSync(path).isFile()) {
    if (path.toLowerCase().endsWith('.zip')) return readZipCorpus(path);
    const nb = codeOf(readFileSync(path), path);
    return nb ? [nb] : [];
  }
  const out: SelectedNotebook[] = [];
  for (const file of findNotebooks(path)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      continue;
    }
    const nb = codeOf(bytes, file);
    if (nb) out.push(nb);
  }
  return out;
}

/** Recommender input from a chosen corpus: Python notebooks only, at most `perDataset` per dataset. */
function* selectedForRecommender(list: SelectedNotebook[], perDataset = 0): Generator<CorpusNotebook> {
  const counts = new Map<string, number>();
  for (const nb of list) {
    if (nb.language !== 'python') continue;
    if (perDataset && (counts.get(nb.slug) ?? 0) >= perDataset) continue;
    counts.set(nb.slug, (counts.get(nb.slug) ?? 0) + 1);
    yield { slug: nb.slug, cells: nb.cells };
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
    .option('--corpus <path>', 'train on this folder or .zip of notebooks (any depth; datasets/<slug>/ names the dataset) instead of the Kaggle crawl cache')
    .option('--db <file>', 'train on the notebooks of this corpus database (gds import), duplicates skipped')
    .option('--resume [checkpoint]', 'continue an interrupted run: keys: reuse the counts in --out; seq2seq: <out>/checkpoint.pt, sub-models already exported are kept')
    .option('--kind <kind>', 'keys (call-key n-grams + reranker, the default) | seq2seq (the report\'s GRU models)', 'keys')
    .option('--positions <n>', 'keys: reranker training positions', '60000')
    .action(async (o: Record<string, string | undefined>) => {
      const started = Date.now();
      if (o.kind !== 'seq2seq') {
        const log = (m: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);
        const notebooks = await keyCorpus({ corpus: o.corpus, db: o.db }, log);
        const manifest = await trainKeyRecommender(notebooks, { outDir: resolve(o.out ?? ''), positions: Number(o.positions), resume: o.resume !== undefined, command: `gds ${process.argv.slice(2).join(' ')}`, log });
        process.stdout.write(`${JSON.stringify(manifest.reranker)}\n`);
        return;
      }
      const { labeler, name } = await resolveLabeler();
      const attn = o.attn === 'dot' || o.attn === 'concat' ? o.attn : 'general';
      const selected = await readSelectedCorpus({ corpus: o.corpus, db: o.db });
      const notebooks = selected ? selectedForRecommender(selected, Number(o.perDataset)) : readNotebooks(join(ensureKaggleCorpus(), 'datasets'), Number(o.perDataset));
      const corpus = o.db ? { kind: 'db', path: resolve(o.db) } : o.corpus ? { kind: 'files', path: resolve(o.corpus) } : { kind: 'kaggle-cache', path: join(ensureKaggleCorpus(), 'datasets') };
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
      const everything = await keyCorpus({ corpus: o.corpus, db: o.db }, log);
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

/** Notebooks for the key recommender: both shared corpora, or a chosen one (each slug a held-out group by the same rule). */
async function keyCorpus(o: CorpusChoice, log: (m: string) => void): Promise<RecNotebook[]> {
  const selected = await readSelectedCorpus(o);
  const notebooks: RecNotebook[] = selected
    ? selected.filter((nb) => nb.language === 'python')
      .map((nb) => ({ group: nb.slug, ref: nb.name, cells: nb.cells.map((source) => ({ source })), heldOut: isHeldOut(nb.slug), id: createHash('sha1').update(nb.cells.join('\n')).digest('hex') }))
    : [...recommenderCorpus()];
  log(`${notebooks.length} notebooks (${notebooks.filter((n) => n.heldOut).length} held out); asking Python which cells parse`);
  markParses(notebooks);
  return notebooks;
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
