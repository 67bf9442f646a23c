// Walks the Kaggle crawl (kaggle/datasets/<dataset>/kernels/<notebook>) and yields code cells; the notebook reader is passed in so ml/ stays free of pipeline/.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusCodeCell {
  notebook: string;
  dataset: string;
  source: string;
}

export type ReadCodeCells = (path: string) => string[];

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
