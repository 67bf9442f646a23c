// Training data for the end model: gold notebooks (and exact copies) removed, split by notebook, written as raw int32/float32 for the trainer.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEQ_LEN, buildVocabulary, encodeTokens, tokenize, type Vocabulary } from '../../../ml/classifier/preprocess.ts';
import { STAGES } from '../../../ml/classifier/stages.ts';
import type { CorpusCodeCell } from './corpus-cells.ts';
import type { GoldCell } from './gold.ts';

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Drops every notebook named in the gold file, every notebook whose code equals a gold notebook's code
 * (Kaggle forks), and every single cell whose text equals a gold cell, so no hand-labelled text is trained on.
 * `keptAt[k]` is the index in `cells` of `kept[k]` (a teacher reads kept cells within their whole notebooks).
 */
export function excludeGold(
  cells: CorpusCodeCell[],
  gold: GoldCell[],
): { kept: CorpusCodeCell[]; keptAt: number[]; droppedNotebooks: number; droppedCells: number } {
  const goldNotebooks = new Set(gold.map((g) => g.notebook));
  const goldSources = new Set(gold.map((g) => g.source.trim()));
  const byNotebook = new Map<string, number[]>();
  cells.forEach((c, i) => {
    const key = `${c.dataset}/${c.notebook}`;
    const list = byNotebook.get(key) ?? [];
    list.push(i);
    byNotebook.set(key, list);
  });
  const code = (list: number[]): string => list.map((i) => cells[i]!.source).join('\u0000');
  const goldHashes = new Set<string>();
  for (const list of byNotebook.values()) {
    if (goldNotebooks.has(cells[list[0]!]!.notebook)) goldHashes.add(sha(code(list)));
  }
  const kept: CorpusCodeCell[] = [];
  const keptAt: number[] = [];
  let droppedNotebooks = 0;
  let droppedCells = 0;
  for (const list of byNotebook.values()) {
    if (goldNotebooks.has(cells[list[0]!]!.notebook) || goldHashes.has(sha(code(list)))) {
      droppedNotebooks++;
      continue;
    }
    for (const i of list) {
      const c = cells[i]!;
      if (goldSources.has(c.source.trim())) droppedCells++;
      else {
        kept.push(c);
        keptAt.push(i);
      }
    }
  }
  return { kept, keptAt, droppedNotebooks, droppedCells };
}

/** Deterministic pseudo-random in [0, 1) from a string (notebook split, subsampling). */
export function unitHash(text: string): number {
  return parseInt(sha(text).slice(0, 8), 16) / 0x100000000;
}

/**
 * Squares and renormalises the label model's probabilities: its posteriors are deliberately soft (bounded LF
 * rates), and on them the LSTM learned to hedge towards the big classes; sharpened targets stay probabilistic.
 */
export function sharpen(p: number[], power = 2): number[] {
  const q = p.map((v) => v ** power);
  const s = q.reduce((a, b) => a + b, 0);
  return q.map((v) => v / s);
}

/** Hand-labelled cells the end model learns from directly, besides the label model's output. */
export interface SupervisedRows {
  cells: GoldCell[];
  repeat: number;
}

export interface TrainingSet {
  vocab: Vocabulary;
  train: number;
  val: number;
  dataHash: string;
}

/**
 * Where the soft targets come from: the label model (sharpened, one answer per text) or a teacher classifier reading
 * whole notebooks (calibrated by its fit on hand labels, so used as they are; duplicates averaged).
 */
export type TargetKind = 'label-model' | 'teacher';

/** One training row: a distinct text, as every cell of `cells` that holds it (the first one's source is written), and its draw. */
export interface TextRow {
  at: number[];
  /** Its place in the shuffled order (the trainer reads rows as written). */
  r: number;
}

/**
 * The distinct texts of `cells` that become rows (identical sources deduped: boilerplate import cells would otherwise
 * dominate), at most `maxCells` of them, drawn by a hash of where each first appears. A teacher answers only for
 * these cells (reading their notebooks up to the last of them), so a small `--max-cells` spares it most of the crawl.
 */
export function sampleTextRows(cells: ReadonlyArray<CorpusCodeCell>, maxCells: number): TextRow[] {
  const byText = new Map<string, TextRow>();
  const rows: TextRow[] = [];
  cells.forEach((cell, i) => {
    const key = cell.source.trim();
    const seen = byText.get(key);
    if (seen) {
      seen.at.push(i);
      return;
    }
    const row = { at: [i], r: unitHash(`cell:${cell.notebook}:${i}`) };
    byText.set(key, row);
    rows.push(row);
  });
  rows.sort((a, b) => a.r - b.r);
  return rows.slice(0, maxCells);
}

/**
 * Writes `rows` (drawn from `cells` by `sampleTextRows`; targets from `probs`, indexed like `cells`, read only for the
 * rows' cells) and puts ~10% of notebooks (never single cells) into validation.
 */
export function writeTrainingSet(
  dir: string,
  cells: CorpusCodeCell[],
  rows: ReadonlyArray<TextRow>,
  probs: ReadonlyArray<readonly number[] | undefined>,
  valShare = 0.1,
  supervised: SupervisedRows = { cells: [], repeat: 0 },
  targets: TargetKind = 'label-model',
): TrainingSet {
  const target = (i: number): readonly number[] => {
    const p = probs[i];
    if (!p) throw new Error(`writeTrainingSet: no target for cell ${i}`);
    return p;
  };
  const chosen = rows.map(({ at, r }) => {
    const first = at[0]!;
    const p = [...target(first)];
    // A teacher reading notebooks answers one text differently in different notebooks: the row learns the mean.
    if (targets === 'teacher') at.slice(1).forEach((i, k) => target(i).forEach((v, j) => (p[j]! += (v - p[j]!) / (k + 2))));
    const cell = cells[first]!;
    return { cell, p, tokens: tokenize(cell.source), r, hard: false };
  });
  const isVal = (c: CorpusCodeCell): boolean => unitHash(`nb:${c.dataset}/${c.notebook}`) < valShare;
  const trainRows = chosen.filter((r) => !isVal(r.cell));
  const valRows = chosen.filter((r) => isVal(r.cell));
  const vocab = buildVocabulary(trainRows.map((r) => r.tokens));
  // Hand-labelled cells join the training half only (validation stays weak labels of unseen notebooks, so early
  // stopping is not tuned on them), as one-hot targets repeated `repeat` times among the shuffled rows.
  for (let k = 0; k < supervised.repeat; k++) {
    supervised.cells.forEach((g, i) => {
      const p = STAGES.map((s) => (s === g.stage ? 1 : 0));
      trainRows.push({
        cell: { notebook: g.notebook, dataset: '', source: g.source },
        p,
        tokens: tokenize(g.source),
        r: unitHash(`hand:${k}:${i}`),
        hard: true,
      });
    });
  }
  trainRows.sort((a, b) => a.r - b.r);
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256');
  for (const [name, part] of [
    ['train', trainRows],
    ['val', valRows],
  ] as const) {
    const x = new Int32Array(part.length * SEQ_LEN);
    const y = new Float32Array(part.length * STAGES.length);
    part.forEach((r, i) => {
      x.set(encodeTokens(r.tokens, vocab), i * SEQ_LEN);
      y.set(r.hard || targets === 'teacher' ? r.p : sharpen(r.p), i * STAGES.length);
    });
    const xb = Buffer.from(x.buffer);
    const yb = Buffer.from(y.buffer);
    writeFileSync(join(dir, `${name}_x.bin`), xb);
    writeFileSync(join(dir, `${name}_y.bin`), yb);
    hash.update(xb).update(yb);
  }
  const meta = {
    seqLen: SEQ_LEN,
    numClasses: STAGES.length,
    vocabSize: vocab.tokens.length + 2,
    train: trainRows.length,
    val: valRows.length,
    handRows: supervised.cells.length * supervised.repeat,
  };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 1));
  return { vocab, train: trainRows.length, val: valRows.length, dataHash: hash.digest('hex') };
}
