// The recommender's notebooks: both shared corpora (Kaggle crawl grouped by dataset, GitHub shards by repository, forks
// once) or a chosen one, for the key recommender and the seq2seq models.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { parseJson, readJsonFile } from '../../../ml/read-json-file.ts';
import { MARKDOWN_CHARS } from '../../../preload/contract.ts';
import type { NotebookCell } from '../../../ml/recommender/notebook-state.ts';
import { pythonScriptsDir } from '../../app-paths.ts';
import { cacheDir, ensureKaggleCorpus, githubShards } from '../../corpus-cache.ts';
import { findNotebooks } from '../../notebook/find-notebooks.ts';
import { readNotebookFile } from '../../notebook/read-notebook-file.ts';
import { chosenCorpusOrigin, readSelectedCorpus, type CorpusChoice, type CorpusOrigin, type SelectedNotebook } from '../corpus-choice.ts';
import { isHeldOut } from './held-out-split.ts';
import type { CorpusNotebook } from './seq2seq-dataset.ts';

export interface RecNotebook {
  /** `kaggle:<dataset slug>` or `github:<owner>/<name>`: the unit held out together. */
  group: string;
  /** Where it came from (file path, or shard path + notebook path). */
  ref: string;
  /** Code cells in order, each with the markdown just above it. */
  cells: NotebookCell[];
  heldOut: boolean;
  /** sha1 of the code: the notebook's identity (forks share it). */
  id: string;
}

function withMarkdown(cells: ReadonlyArray<{ type: string; source: string }>): NotebookCell[] {
  const out: NotebookCell[] = [];
  let md: string[] = [];
  for (const c of cells) {
    if (c.type === 'markdown') md.push(c.source);
    else if (c.type === 'code') {
      out.push({ source: c.source, markdown: md.join('\n').slice(-MARKDOWN_CHARS) });
      md = [];
    }
  }
  return out;
}

function* kaggleNotebooks(root: string): Generator<RecNotebook> {
  const datasets = join(root, 'datasets');
  for (const slug of readdirSync(datasets).sort()) {
    const dir = join(datasets, slug);
    if (!statSync(dir).isDirectory()) continue;
    const group = `kaggle:${slug}`;
    for (const file of findNotebooks(dir)) {
      let nb;
      try {
        nb = readNotebookFile(file);
      } catch {
        continue; // empty and broken files are part of the crawl
      }
      if (nb.language !== 'python') continue;
      yield { group, ref: file, cells: withMarkdown(nb.cells.map((c) => ({ type: c.cellType, source: c.source }))), heldOut: isHeldOut(slug), id: '' };
    }
  }
}

/** A line of a GitHub shard: one notebook, as the shared corpus writes it. */
const ShardLineSchema = z.looseObject({
  source: z.string().optional(),
  path: z.string().optional(),
  cells: z.array(z.looseObject({ type: z.string().optional(), source: z.string().optional() })).optional(),
});

/** Python's parse verdict per notebook id: one '1'/'0' per code cell. */
const ParsesCacheSchema = z.record(z.string(), z.string());

function* githubNotebooks(shards: readonly string[]): Generator<RecNotebook> {
  for (const shard of shards) {
    const text = gunzipSync(readFileSync(shard)).toString('utf8');
    for (const [i, line] of text.split('\n').entries()) {
      if (!line.trim()) continue;
      const nb = parseJson(line, ShardLineSchema, `${shard}:${i + 1}`);
      const group = nb.source ?? 'github:unknown';
      const cells = (nb.cells ?? []).map((c) => ({ type: c.type ?? 'code', source: c.source ?? '' }));
      yield { group, ref: `${shard}#${nb.path ?? ''}`, cells: withMarkdown(cells), heldOut: isHeldOut(group), id: '' };
    }
  }
}

/** Every Python notebook of both corpora; identical code (forks, copies) is yielded once. */
export function* recommenderCorpus(opts: { kaggle?: boolean; github?: boolean } = {}): Generator<RecNotebook> {
  const seen = new Set<string>();
  const sources = [
    ...(opts.kaggle === false ? [] : [kaggleNotebooks(ensureKaggleCorpus())]),
    ...(opts.github === false ? [] : [githubNotebooks(githubShards())]),
  ];
  for (const source of sources) {
    for (const nb of source) {
      const code = nb.cells.map((c) => c.source.trim()).filter(Boolean);
      if (code.length === 0) continue;
      const id = createHash('sha1').update(code.join('\n')).digest('hex');
      if (seen.has(id)) continue;
      seen.add(id);
      yield { ...nb, id };
    }
  }
}

/**
 * Marks each code cell with Python's verdict on whether it parses (the metric's positions are Python's), cached by
 * notebook id under the GDS cache folder so that later runs skip the Python pass.
 */
export function markParses(notebooks: RecNotebook[], python = process.env.GDS_PYTHON ?? '/usr/bin/python3'): void {
  const file = join(cacheDir(), 'recommender', 'cell-parses.json');
  const cache = existsSync(file) ? readJsonFile(file, ParsesCacheSchema) : {};
  const unknown = notebooks.filter((nb) => cache[nb.id]?.length !== nb.cells.length);
  if (unknown.length) {
    const input = unknown.map((nb) => JSON.stringify(nb.cells.map((c) => c.source))).join('\n') + '\n';
    const r = spawnSync(python, [join(pythonScriptsDir(), 'cells_parse.py')], { input, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`cells_parse.py failed (${python}): ${r.stderr.toString().slice(0, 400)}`);
    const lines = r.stdout.toString().split('\n');
    unknown.forEach((nb, i) => (cache[nb.id] = lines[i] ?? ''));
    mkdirSync(join(cacheDir(), 'recommender'), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(cache));
    renameSync(`${file}.tmp`, file);
  }
  for (const nb of notebooks) {
    const flags = cache[nb.id] ?? '';
    nb.cells.forEach((c, i) => (c.parses = flags[i] === '1'));
  }
}

/** Notebooks for the key recommender: both shared corpora, or a chosen one (each slug a held-out group by the same rule). */
export async function keyRecommenderCorpus(o: CorpusChoice, log: (m: string) => void): Promise<RecNotebook[]> {
  const selected = await readSelectedCorpus(o);
  const notebooks: RecNotebook[] = selected
    ? selected.filter((nb) => nb.language === 'python').map((nb) => ({
      group: nb.slug,
      ref: nb.name,
      cells: nb.cells.map((source) => ({ source })),
      heldOut: isHeldOut(nb.slug),
      id: createHash('sha1').update(nb.cells.join('\n')).digest('hex'),
    }))
    : [...recommenderCorpus()];
  log(`${notebooks.length} notebooks (${notebooks.filter((n) => n.heldOut).length} held out); asking Python which cells parse`);
  markParses(notebooks);
  return notebooks;
}

/** Recommender input from a chosen corpus: Python notebooks only, at most `perDataset` per dataset. */
function* selectedNotebooks(list: SelectedNotebook[], perDataset: number): Generator<CorpusNotebook> {
  const counts = new Map<string, number>();
  for (const nb of list) {
    if (nb.language !== 'python') continue;
    if (perDataset && (counts.get(nb.slug) ?? 0) >= perDataset) continue;
    counts.set(nb.slug, (counts.get(nb.slug) ?? 0) + 1);
    yield { slug: nb.slug, cells: nb.cells };
  }
}

/**
 * The seq2seq recommender's notebooks (at most `perDataset` per dataset or repository, 0 = all): a chosen corpus, else
 * both shared corpora, forks once. The slug keeps isHeldOut's name of the group (a Kaggle dataset's slug alone,
 * `github:owner/name`), so buildSplit holds out exactly the groups the key recommender holds out.
 */
export async function seq2seqCorpus(o: CorpusChoice, perDataset: number): Promise<{ notebooks: Iterable<CorpusNotebook>; origin: CorpusOrigin }> {
  const selected = await readSelectedCorpus(o);
  if (selected) return { notebooks: selectedNotebooks(selected, perDataset), origin: chosenCorpusOrigin(o)! };
  return { notebooks: sharedSeq2seqNotebooks(perDataset), origin: { kind: 'shared-corpora', path: cacheDir() } };
}

function* sharedSeq2seqNotebooks(perDataset: number): Generator<CorpusNotebook> {
  const counts = new Map<string, number>();
  for (const nb of recommenderCorpus()) {
    const slug = nb.group.replace(/^kaggle:/, '');
    if (perDataset && (counts.get(slug) ?? 0) >= perDataset) continue;
    counts.set(slug, (counts.get(slug) ?? 0) + 1);
    yield { slug, cells: nb.cells.map((c) => c.source) };
  }
}
