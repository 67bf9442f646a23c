// The classifier's corpus as code cells: the Kaggle crawl (kaggle/datasets/<dataset>/kernels/<notebook>) or a chosen
// corpus. The notebook reader is a parameter so tests can hand in notebooks without files.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKaggleCorpus } from '../../corpus-cache.ts';
import { readNotebookFile } from '../../notebook/read-notebook-file.ts';
import { chosenCorpusOrigin, readSelectedCorpus, type CorpusChoice, type CorpusOrigin } from '../corpus-choice.ts';

export interface CorpusCodeCell {
  notebook: string;
  dataset: string;
  source: string;
}

export type ReadCodeCells = (path: string) => string[];

/** A notebook file's code cells in order (throws on a file that is not a notebook). */
export const readCodeCells: ReadCodeCells = (path) => readNotebookFile(path).cells.filter((c) => c.cellType === 'code').map((c) => c.source);

export function listNotebooks(kaggleDir: string): Array<{ dataset: string; notebook: string; path: string }> {
  const root = join(kaggleDir, 'datasets');
  const out: Array<{ dataset: string; notebook: string; path: string }> = [];
  for (const dataset of readdirSync(root).sort()) {
    const kernels = join(root, dataset, 'kernels');
    if (!existsSync(kernels)) continue;
    for (const notebook of readdirSync(kernels).sort()) {
      if (notebook.endsWith('.ipynb')) out.push({ dataset, notebook, path: join(kernels, notebook) });
    }
  }
  return out;
}

/** Unreadable notebooks (empty, not JSON) are skipped: the crawl has a few and they carry no cells. */
export function readCorpusCells(kaggleDir: string, read: ReadCodeCells): CorpusCodeCell[] {
  const cells: CorpusCodeCell[] = [];
  for (const nb of listNotebooks(kaggleDir)) {
    let sources: string[];
    try {
      sources = read(nb.path);
    } catch {
      continue;
    }
    for (const source of sources) if (source.trim()) cells.push({ notebook: nb.notebook, dataset: nb.dataset, source });
  }
  return cells;
}

/** Cells of notebooks already read by the caller (`--corpus` / `--db`): dataset = slug, notebook = file name. */
export function cellsFromNotebooks(notebooks: Iterable<{ slug: string; name: string; cells: string[] }>): CorpusCodeCell[] {
  const cells: CorpusCodeCell[] = [];
  for (const nb of notebooks) for (const source of nb.cells) if (source.trim()) cells.push({ notebook: nb.name, dataset: nb.slug, source });
  return cells;
}

/** Code cells of `--corpus` / `--db` when given, else of the Kaggle crawl cache; with where they came from. */
export async function chosenCorpusCells(o: CorpusChoice): Promise<{ cells: CorpusCodeCell[]; corpus: CorpusOrigin }> {
  const selected = await readSelectedCorpus(o);
  if (selected) return { cells: cellsFromNotebooks(selected), corpus: chosenCorpusOrigin(o)! };
  const dir = ensureKaggleCorpus();
  return { cells: readCorpusCells(dir, readCodeCells), corpus: { kind: 'kaggle-cache', path: dir } };
}
