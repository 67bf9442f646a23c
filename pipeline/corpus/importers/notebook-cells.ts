// Shared helpers for file importers: notebook cells in store shape and a tolerant recursive .ipynb walk.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NotebookReadError, parseNotebookBytes } from '../../notebook/read-notebook-file.ts';
import type { CellInput } from '../types.ts';

export interface ParsedNotebook {
  cells: CellInput[];
  language: string;
}

/** Parses notebook bytes; returns a one-line reason instead of throwing, so one bad file never stops an import. */
export function parseForImport(bytes: Buffer): ParsedNotebook | { error: string } {
  try {
    const nb = parseNotebookBytes(bytes);
    return {
      language: nb.language,
      cells: nb.cells.map((c) => ({ type: c.cellType, source: c.source, outputs: c.outputs ?? null })),
    };
  } catch (e) {
    if (e instanceof NotebookReadError) return { error: `${e.reason}: ${e.message}` };
    return { error: (e as Error).message };
  }
}

/** Every .ipynb under `dir`, sorted for a stable order; Jupyter's checkpoint copies are not notebooks of their own. */
export function walkNotebooks(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.isDirectory()) {
        if (e.name !== '.ipynb_checkpoints' && e.name !== 'node_modules' && !e.name.startsWith('.git')) visit(join(d, e.name));
      } else if (e.isFile() && e.name.toLowerCase().endsWith('.ipynb')) out.push(join(d, e.name));
    }
  };
  visit(dir);
  return out;
}
