// Layout of a windowed notebook: every cell's height (measured once it was on screen, estimated before), the cells'
// offsets, and which cells to mount for a scroll position. No DOM here: the hook in notebook-window-hook.ts feeds it.
import type { Cell } from '../../../preload/contract.ts';

/** Notebooks up to this many cells are mounted whole: cheap, and the browser's own find and tests see every cell. */
export const MOUNT_ALL_UP_TO = 100;

// Pixel sizes from styles.css: 19 px editor lines, 12 px × 1.4 output lines, a row's padding, borders and gaps.
const LINE = 19;
const OUTPUT_LINE = 17;
const CELL_CHROME = 18;
const WRAP_AT = 110;

/** Lines of `text`, counted up to `limit` (a cell printing on has hundreds of thousands; the estimate needs few). */
function lineCount(text: string, limit = Infinity): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && n < limit; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** An output shows at most 600 px of text: 36 lines of 17 px (and one more, for the final newline). */
const OUTPUT_LINES_SHOWN = Math.ceil(600 / OUTPUT_LINE) + 1;

/** Lines of an output's text, a final newline not counting as one more. */
function textLines(text: string): number {
  const n = lineCount(text, OUTPUT_LINES_SHOWN + 1);
  return n > OUTPUT_LINES_SHOWN ? n : n - (text.endsWith('\n') ? 1 : 0);
}

function outputText(value: unknown): string {
  return Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '';
}

/** A guess from line counts and outputs, for cells that were never on screen. Close is enough: a wrong guess only
 * moves the scrollbar thumb a little, and the browser's scroll anchoring keeps what is on screen in place. */
export function estimateHeight(cell: Cell): number {
  const src = cell.source;
  if (cell.cell_type !== 'code') {
    let h = 24;
    for (let from = 0; from <= src.length;) {
      let to = src.indexOf('\n', from);
      if (to < 0) to = src.length;
      const line = src.slice(from, to).trim();
      h += !line ? 6 : line.startsWith('#') ? 34 : Math.ceil(line.length / WRAP_AT) * 21;
      from = to + 1;
    }
    return h + CELL_CHROME;
  }
  let h = Math.max(LINE + 8, lineCount(src) * LINE) + CELL_CHROME;
  const outputs = cell.outputs ?? [];
  if (outputs.length) h += 6;
  for (const o of outputs) {
    if (o.output_type === 'stream') h += Math.min(600, textLines(outputText(o.text)) * OUTPUT_LINE) + 4;
    else if (o.output_type === 'error') h += 26;
    else {
      const data = (o.data ?? {}) as Record<string, unknown>;
      h += data['image/png'] || data['image/jpeg'] ? 300 : data['text/html'] ? 200 : Math.min(600, textLines(outputText(data['text/plain'])) * OUTPUT_LINE) + 4;
    }
  }
  return h;
}

interface Measured { height: number; basis: number; cell: Cell }

/**
 * Heights by cell id. A measurement stays valid for the cell object it was taken on; a cell changed since (outputs of
 * a run while it was off screen, an undo) keeps it, moved by the change in its estimate, until it is measured again.
 */
export class CellHeights {
  private readonly measured = new Map<string, Measured>();
  private readonly estimates = new WeakMap<Cell, number>();

  private estimate(cell: Cell): number {
    let h = this.estimates.get(cell);
    if (h === undefined) this.estimates.set(cell, (h = estimateHeight(cell)));
    return h;
  }

  get(cell: Cell): number {
    const m = this.measured.get(cell.id);
    if (!m) return this.estimate(cell);
    return m.cell === cell ? m.height : Math.max(LINE, m.height + this.estimate(cell) - m.basis);
  }

  /** Records a measurement; answers whether it changed what `get` says. */
  set(cell: Cell, height: number): boolean {
    const before = this.get(cell);
    this.measured.set(cell.id, { height, basis: this.estimate(cell), cell });
    return Math.abs(before - height) > 0.5;
  }
}

/**
 * offsets[i]: the top of cell i from the top of the list; offsets[n]: the list's height. Kept up to date in place: a
 * keystroke gives a new cell list in which one cell changed, so only that cell's height is looked up again.
 */
export class CellOffsets {
  private cells: readonly Cell[] = [];
  private sizes = new Float64Array(0);
  private offsets = new Float64Array(1);
  /** The first index whose offset is out of date (past the end: none). */
  private staleFrom = 0;

  constructor(private readonly heights: CellHeights) {}

  of(cells: readonly Cell[]): Float64Array {
    if (cells !== this.cells) this.follow(cells);
    const n = this.sizes.length;
    for (let i = this.staleFrom; i < n; i++) this.offsets[i + 1] = this.offsets[i]! + this.sizes[i]!;
    this.staleFrom = n + 1;
    return this.offsets;
  }

  /** The height of the cell at `index` (of the list last given) may have changed. */
  remeasured(index: number): void {
    const cell = this.cells[index];
    if (!cell) return;
    this.sizes[index] = this.heights.get(cell);
    this.staleFrom = Math.min(this.staleFrom, index);
  }

  private follow(cells: readonly Cell[]): void {
    const n = cells.length;
    if (n !== this.cells.length) {
      this.sizes = new Float64Array(n);
      this.offsets = new Float64Array(n + 1);
      for (let i = 0; i < n; i++) this.sizes[i] = this.heights.get(cells[i]!);
      this.staleFrom = 0;
    } else {
      for (let i = 0; i < n; i++) {
        if (cells[i] === this.cells[i]) continue;
        this.sizes[i] = this.heights.get(cells[i]!);
        this.staleFrom = Math.min(this.staleFrom, i);
      }
    }
    this.cells = cells;
  }
}

/** The cell at `y` (clamped to the list): the last i with offsets[i] <= y. */
export function indexAt(offsets: Float64Array, y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** First and last (inclusive) cell that meet the band [top, bottom] of the list. */
export interface Range { first: number; last: number }

export function rangeFor(offsets: Float64Array, top: number, bottom: number): Range {
  const n = offsets.length - 1;
  if (n <= MOUNT_ALL_UP_TO) return { first: 0, last: n - 1 };
  return { first: indexAt(offsets, top), last: indexAt(offsets, bottom) };
}

export function covers(outer: Range, inner: Range): boolean {
  return outer.first <= inner.first && outer.last >= inner.last;
}

export function overlaps(a: Range, b: Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** What the list renders, in order: mounted cells and, between them, one spacer per run of cells left out. */
export type Slot = { kind: 'cell'; index: number } | { kind: 'gap'; height: number; key: string };

export function slotsFor(offsets: Float64Array, range: Range, pinned: readonly number[]): Slot[] {
  const n = offsets.length - 1;
  const first = Math.max(0, range.first);
  const last = Math.min(n - 1, range.last);
  const extra = pinned.filter((i) => i >= 0 && i < n && (i < first || i > last));
  const indexes = [...new Set(extra)].sort((a, b) => a - b);
  const all = [...indexes.filter((i) => i < first)];
  for (let i = first; i <= last; i++) all.push(i);
  all.push(...indexes.filter((i) => i > last));
  const slots: Slot[] = [];
  let next = 0;
  const gap = (to: number) => {
    if (to > next) slots.push({ kind: 'gap', height: offsets[to]! - offsets[next]!, key: `gap-${slots.length}` });
  };
  for (const i of all) {
    gap(i);
    slots.push({ kind: 'cell', index: i });
    next = i + 1;
  }
  gap(n);
  return slots;
}
