// Both shared corpora as notebooks for the recommender: Kaggle crawl (grouped by dataset) and GitHub shards (by repository), forks once.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isHeldOut } from '../../ml/recommender/dataset.ts';
import type { NotebookCell } from '../../ml/recommender/notebook-state.ts';
import { pythonScriptsDir } from '../app-paths.ts';
import { cacheDir, ensureKaggleCorpus, githubShards } from '../corpus-cache.ts';
import { readNotebookFile } from '../notebook/read-notebook-file.ts';

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

/** Every .ipynb under `dir`, in a stable order. */
export function findNotebooks(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findNotebooks(p, out);
    else if (name.endsWith('.ipynb')) out.push(p);
  }
  return out;
}

function withMarkdown(cells: ReadonlyArray<{ type: string; source: string }>): NotebookCell[] {
  const out: NotebookCell[] = [];
  let md: string[] = [];
  for (const c of cells) {
    if (c.type === 'markdown') md.push(c.source);
    else if (c.type === 'code') {
      out.push({ source: c.source, markdown: md.join('\n').slice(-2000) });
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

interface ShardLine {
  source?: string;
  path?: string;
  cells?: Array<{ type?: string; source?: string }>;
}

function* githubNotebooks(shards: readonly string[]): Generator<RecNotebook> {
  for (const shard of shards) {
    const text = gunzipSync(readFileSync(shard)).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const nb = JSON.parse(line) as ShardLine;
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
  const cache = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
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
