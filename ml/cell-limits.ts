// What one cell may be before the models read it. A 1 MB cell once overflowed the stack in `gds suggest`; a short
// cell can nest as deep as it is long (`df.a.a.…`, `1+1+…`, `((((…`), and the tree walks of the models follow that
// nesting, so both the size and the depth of the syntax tree are limited. CPython itself refuses to compile far less.
import { parsePython } from './python-parser.ts';

export const MAX_CELL_CHARS = 200_000;
export const MAX_CELL_DEPTH = 1000;

/** Each level of nesting takes at least this many characters of source divided by 4: shorter cells skip the parse. */
const DEPTH_CHECK_MIN_CHARS = MAX_CELL_DEPTH / 4;
const depthCache = new Map<string, number>();
const DEPTH_CACHE_MAX = 2000;

export class CellLimitError extends Error {}

/** The depth of the cell's syntax tree, walked with a cursor (no recursion). */
export function syntaxDepth(source: string): number {
  const cached = depthCache.get(source);
  if (cached !== undefined) return cached;
  const cursor = parsePython(source).walk();
  let depth = 0;
  let max = 0;
  for (;;) {
    if (cursor.gotoFirstChild()) {
      max = Math.max(max, ++depth);
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        if (depthCache.size >= DEPTH_CACHE_MAX) depthCache.clear();
        depthCache.set(source, max);
        return max;
      }
      depth--;
    }
  }
}

/** Why the models must not read this cell (too big, nested too deep); null when they may. */
export function cellLimitError(source: string): string | null {
  if (source.length > MAX_CELL_CHARS) return `is ${source.length} characters, over the limit of ${MAX_CELL_CHARS} characters per cell`;
  if (source.length >= DEPTH_CHECK_MIN_CHARS) {
    const depth = syntaxDepth(source);
    if (depth > MAX_CELL_DEPTH) return `nests ${depth} levels deep, over the limit of ${MAX_CELL_DEPTH}`;
  }
  return null;
}

/** Throws a CellLimitError naming the first cell over a limit (1-based, as the editor numbers cells). */
export function checkCells(cells: readonly string[], what = 'cell'): void {
  for (let i = 0; i < cells.length; i++) {
    const why = cellLimitError(cells[i]!);
    if (why) throw new CellLimitError(`${what} ${i + 1} ${why}`);
  }
}
