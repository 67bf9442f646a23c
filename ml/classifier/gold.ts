// Hand-labelled cells: reading them and the fixed dev/test split by notebook (LFs were tuned on dev only).
import { readFileSync } from 'node:fs';
import { isStage, type Stage } from './stages.ts';

export interface GoldCell {
  id: string;
  notebook: string;
  /** Position in the notebook (`code_cell`), else the line number: orders a notebook's cells for context. */
  order: number;
  stage: Stage;
  source: string;
  /** Kaggle dataset or competition of the notebook, when the file says: groups cross-validation folds. */
  dataset?: string;
}

const cellKey = (row: Record<string, unknown>): string => `${String(row.dataset)}/${String(row.notebook)}#${String(row.code_cell)}`;

/**
 * Accepts the shared gold format ({notebook, code_cell, stage, source}) and plain {id, stage, source} lines.
 * Lines without "source" (our second opinions on the shared gold, which keep its text out of the repository) take it
 * from `sourcesFrom`, matched by dataset, notebook and code_cell.
 */
export function readGold(path: string, sourcesFrom?: string): GoldCell[] {
  const out: GoldCell[] = [];
  let sources: Map<string, string> | undefined;
  const sourceOf = (row: Record<string, unknown>): unknown => {
    if (typeof row.source === 'string' || !sourcesFrom) return row.source;
    if (!sources) {
      sources = new Map();
      for (const line of readFileSync(sourcesFrom, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const r = JSON.parse(line) as Record<string, unknown>;
        if (typeof r.source === 'string') sources.set(cellKey(r), r.source);
      }
    }
    return sources.get(cellKey(row));
  };
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const row = JSON.parse(line) as Record<string, unknown>;
      row.source = sourceOf(row);
      if (!isStage(row.stage) || typeof row.source !== 'string') throw new Error(`${path}:${i + 1}: needs "stage" (one of the six) and "source"${sourcesFrom ? ` (or a cell of ${sourcesFrom})` : ''}`);
      const notebook = typeof row.notebook === 'string' ? row.notebook : '';
      const id = typeof row.id === 'string' ? row.id : `${notebook}#${String(row.code_cell ?? i + 1)}`;
      const order = typeof row.code_cell === 'number' ? row.code_cell : i + 1;
      out.push({ id, notebook, order, stage: row.stage, source: row.source, ...(typeof row.dataset === 'string' ? { dataset: row.dataset } : {}) });
    });
  return out;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export const GOLD_SPLIT_SEED = 'gds-gold-2026';

/** Half of the gold notebooks (by seeded hash of the name) are the untouched test set. */
export function goldPart(notebook: string): 'dev' | 'test' {
  return fnv1a(`${GOLD_SPLIT_SEED}:${notebook}`) % 2 === 0 ? 'dev' : 'test';
}

export function splitGold(cells: GoldCell[]): { dev: GoldCell[]; test: GoldCell[] } {
  return { dev: cells.filter((c) => goldPart(c.notebook) === 'dev'), test: cells.filter((c) => goldPart(c.notebook) === 'test') };
}
