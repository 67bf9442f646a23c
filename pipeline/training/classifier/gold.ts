// Hand-labelled cells: reading them and the fixed dev/test split by notebook (LFs were tuned on dev only).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseJson } from '../../../ml/read-json-file.ts';
import { STAGES, type Stage } from '../../../ml/classifier/stages.ts';

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

/** A line of a label file; `source` may be left out where another file holds the cell's text (see `readGold`). */
const LabelRowSchema = z.looseObject({
  id: z.string().optional(),
  notebook: z.string().optional(),
  dataset: z.string().optional(),
  code_cell: z.number().int().positive().optional(),
  stage: z.enum(STAGES),
  source: z.string().optional(),
});

type LabelRow = z.output<typeof LabelRowSchema>;

/** A line of the file sources are taken from: only its place and text are read. */
const SourceRowSchema = LabelRowSchema.partial({ stage: true });

const cellKey = (row: Pick<LabelRow, 'dataset' | 'notebook' | 'code_cell'>): string =>
  `${String(row.dataset)}/${String(row.notebook)}#${String(row.code_cell)}`;

function* lines(path: string): Generator<[text: string, where: string, lineNo: number]> {
  const all = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < all.length; i++) if (all[i]!.trim()) yield [all[i]!, `${path}:${i + 1}`, i + 1];
}

/**
 * Accepts the shared gold format ({notebook, code_cell, stage, source}) and plain {id, stage, source} lines.
 * Lines without "source" (our second opinions on the shared gold, which keep its text out of the repository) take it
 * from `sourcesFrom`, matched by dataset, notebook and code_cell.
 */
export function readGold(path: string, sourcesFrom?: string): GoldCell[] {
  let sources: Map<string, string> | undefined;
  const sourceOf = (row: LabelRow): string | undefined => {
    if (row.source !== undefined || !sourcesFrom) return row.source;
    if (!sources) {
      sources = new Map();
      for (const [text, where] of lines(sourcesFrom)) {
        const r = parseJson(text, SourceRowSchema, where);
        if (r.source !== undefined) sources.set(cellKey(r), r.source);
      }
    }
    return sources.get(cellKey(row));
  };
  const out: GoldCell[] = [];
  for (const [text, where, lineNo] of lines(path)) {
    const row = parseJson(text, LabelRowSchema, where);
    const source = sourceOf(row);
    const elsewhere = sourcesFrom ? ` (or a cell of ${sourcesFrom} with its dataset, notebook and code_cell)` : '';
    if (source === undefined) throw new Error(`${where}: source: needed${elsewhere}`);
    const notebook = row.notebook ?? '';
    const id = row.id ?? `${notebook}#${String(row.code_cell ?? lineNo)}`;
    out.push({ id, notebook, order: row.code_cell ?? lineNo, stage: row.stage, source, ...(row.dataset !== undefined ? { dataset: row.dataset } : {}) });
  }
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
