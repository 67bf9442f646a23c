// Hand-labelled cells back in their notebooks. Label files hold some of a notebook's cells (the shared gold skips many:
// 83 gaps in 47 notebooks), but what a cell means depends on the cells before it; judged only beside the other
// labelled cells, a cell would see a notebook that never existed. So when the crawl has the notebook and it still
// holds every labelled cell at its place, the whole notebook's code cells are the stream, and only labelled ones count.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Classification, StageClassifier } from '../../../ml/classifier/classifier.ts';
import { NotebookContext, type StageProbs } from '../../../ml/classifier/notebook-context.ts';
import type { ReadCodeCells } from './corpus-cells.ts';

export interface NotebookFiles {
  /** Folder holding `datasets/<dataset>/kernels/<notebook>` (the Kaggle crawl). */
  kaggleDir: string;
  read: ReadCodeCells;
}

export interface LabelledCellRef {
  notebook: string;
  order: number;
  source: string;
  dataset?: string;
}

export interface LabelledNotebook {
  /** The code cells to read in order (empty ones left out). */
  sources: string[];
  /** For each of `sources`, the index of the labelled cell it is, or -1. */
  labelled: number[];
  /** Whether `sources` is the whole notebook from the crawl (else the labelled cells alone). */
  full: boolean;
}

function fromCrawl(cells: LabelledCellRef[], idx: number[], files: NotebookFiles): LabelledNotebook | null {
  const first = cells[idx[0]!]!;
  if (!first.dataset) return null;
  const path = join(files.kaggleDir, 'datasets', first.dataset, 'kernels', first.notebook);
  if (!existsSync(path)) return null;
  let code: string[];
  try {
    code = files.read(path);
  } catch {
    return null;
  }
  const at = new Map(idx.map((i) => [cells[i]!.order - 1, i]));
  // `code_cell` is 1-based among all code cells; a notebook edited since it was labelled no longer lines up.
  for (const [k, i] of at) if (code[k]?.trim() !== cells[i]!.source.trim()) return null;
  const sources: string[] = [];
  const labelled: number[] = [];
  code.forEach((source, k) => {
    const i = at.get(k);
    if (i === undefined && !source.trim()) return;
    sources.push(source);
    labelled.push(i ?? -1);
  });
  return { sources, labelled, full: true };
}

/** Labelled cells grouped by notebook (cells without one come alone), each group in its notebook's order. */
export function labelledNotebooks(cells: LabelledCellRef[], files?: NotebookFiles): LabelledNotebook[] {
  const groups = new Map<string, number[]>();
  const out: LabelledNotebook[] = [];
  cells.forEach((c, i) => {
    if (!c.notebook) {
      out.push({ sources: [c.source], labelled: [i], full: false });
      return;
    }
    const key = `${c.dataset ?? ''}/${c.notebook}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const idx of groups.values()) {
    idx.sort((a, b) => cells[a]!.order - cells[b]!.order);
    out.push((files && fromCrawl(cells, idx, files)) ?? { sources: idx.map((i) => cells[i]!.source), labelled: idx, full: false });
  }
  return out;
}

/**
 * Cells of many notebooks in any order (a hand-label file), each judged in its notebook: the whole notebook from the
 * crawl when `files` has it (`labelledNotebooks`), else beside the file's other cells of that notebook by `order`.
 * Cells without a notebook name are judged alone. Results come back in the input order.
 */
export async function classifyByNotebook(clf: StageClassifier, cells: ReadonlyArray<LabelledCellRef>, files?: NotebookFiles): Promise<Classification[]> {
  const out: Classification[] = new Array<Classification>(cells.length);
  for (const nb of labelledNotebooks([...cells], files)) {
    const sig = await clf.signals(nb.sources);
    if (nb.sources.length === 1 && !cells[nb.labelled[0]!]!.notebook) {
      out[nb.labelled[0]!] = clf.alone(sig[0]!);
      continue;
    }
    const stream = clf.notebookStream();
    nb.sources.forEach((s, k) => {
      const r = stream.next(s, sig[k]!);
      if (nb.labelled[k]! >= 0) out[nb.labelled[k]!] = r;
    });
  }
  return out;
}

/**
 * The notebook-context rules alone (no stacker) for cells of many notebooks in any order (a hand-label file): grouped by `notebook`, ordered by `order`.
 * Cells without a notebook name are judged alone. Results come back in the input order.
 */
export function withContextByNotebook<T extends StageProbs>(cells: LabelledCellRef[], base: T[]): T[] {
  const out = [...base];
  for (const nb of labelledNotebooks(cells)) {
    if (!cells[nb.labelled[0]!]!.notebook) continue;
    const context = new NotebookContext();
    for (const i of nb.labelled) out[i] = context.next(cells[i]!.source, base[i]!);
  }
  return out;
}
