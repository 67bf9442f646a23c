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
}

/** Accepts the shared gold format ({notebook, code_cell, stage, source}) and plain {id, stage, source} lines. */
export function readGold(path: string): GoldCell[] {
  const out: GoldCell[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const row = JSON.parse(line) as Record<string, unknown>;
      if (!isStage(row.stage) || typeof row.source !== 'string') throw new Error(`${path}:${i + 1}: needs "stage" (one of the six) and "source"`);
      const notebook = typeof row.notebook === 'string' ? row.notebook : '';
      const id = typeof row.id === 'string' ? row.id : `${notebook}#${String(row.code_cell ?? i + 1)}`;
      const order = typeof row.code_cell === 'number' ? row.code_cell : i + 1;
      out.push({ id, notebook, order, stage: row.stage, source: row.source });
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
