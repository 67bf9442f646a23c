// The corpus a training or evaluation command was pointed at: `--corpus PATH` (folder, .zip or one notebook) or
// `--db FILE` (the `gds import` database), read as plain code cells for the trainers.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { readZipNotebooks } from '../corpus/importers/ipynb-files.ts';
import { CorpusStore } from '../corpus/store.ts';
import { findNotebooks } from '../notebook/find-notebooks.ts';
import { parseNotebookBytes } from '../notebook/read-notebook-file.ts';

/** One notebook of a user-chosen corpus, as plain data for the trainers. */
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

/** What a model's manifest records as its corpus. */
export interface CorpusOrigin {
  kind: string;
  path: string;
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
    return store.codeNotebooks().map((nb) => {
      const path = nb.originPath ?? nb.ref;
      const name = basename(path).toLowerCase().endsWith('.ipynb') ? basename(path) : `${basename(path)}.ipynb`;
      return { slug: nb.source ?? slugOf(path), name, language: (nb.language ?? 'python').toLowerCase(), cells: nb.cells };
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

/** The manifest's record of a chosen corpus; null when none was chosen (the caller names its default). */
export function chosenCorpusOrigin(o: CorpusChoice): CorpusOrigin | null {
  if (o.db) return { kind: 'db', path: resolve(o.db) };
  if (o.corpus) return { kind: 'files', path: resolve(o.corpus) };
  return null;
}
