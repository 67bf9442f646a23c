// Hazards of the kernel's state, read from execution counts: a cell that ran before a cell above it that sets what it
// uses, a cell that uses a name only a cell below defines, a cell edited after it ran while later cells used its results.
import type { CellFacts } from '../python-facts.ts';
import { code, firingOn, runLabel, type Firing, type Rule, type RuleContext } from './rule.ts';

interface CellNames {
  /** Names the cell binds, and the first row that binds each. */
  defines: Map<string, number>;
  /** Names imported (re-running an import changes nothing). */
  imports: Set<string>;
  /** Names read before the cell itself binds them, with the first row that reads each. */
  uses: Map<string, number>;
}

/** Names IPython provides in every notebook without an import. */
const IPYTHON_GLOBALS = new Set(['display', 'get_ipython', 'In', 'Out', 'exit', 'quit']);

function cellNames(facts: CellFacts): CellNames {
  const defines = new Map<string, number>();
  const imports = new Set<string>();
  const uses = new Map<string, number>();
  for (const s of facts.statements) {
    for (const t of s.targets) {
      if (!defines.has(t)) defines.set(t, s.line);
      if (s.kind === 'import') imports.add(t);
    }
  }
  for (const s of facts.statements) {
    // `_`, `__`, `_3`: IPython's history. In a `try`, a missing name is handled. A name the cell binds itself (in a
    // loop, maybe after its first read) is the cell's own business.
    if (s.guarded) continue;
    for (const r of s.freeReads) {
      if (!defines.has(r) && !uses.has(r) && !r.startsWith('_') && !IPYTHON_GLOBALS.has(r)) uses.set(r, s.line);
    }
  }
  return { defines, imports, uses };
}

function namesOf(ctx: RuleContext): CellNames[] {
  return ctx.flow.cells.map(cellNames);
}

/** A cell's run number; Colab saves 0 for every cell, which says nothing about order. */
const count = (ctx: RuleContext, cell: number): number | null => ctx.cells[cell]?.executionCount || null;

/** A name a cell that ran reads from another cell whose run number says the value it saw is not the notebook's. */
interface OddRead {
  /** The reading cell, its run number, the name and the first row that reads it. */
  cell: number;
  run: number;
  name: string;
  line: number;
  /** The cell the value should come from, and the row there that binds it. */
  from: number;
  fromLine: number;
}

/**
 * The one walk the out-of-order and defined-below checks share: each cell that ran, its free reads in row order, and
 * `source` choosing the cell a read's value came from out of order (-1: none). At most one read per cell, the first.
 */
function oddReads(ctx: RuleContext, source: (names: CellNames[], name: string, cell: number, run: number) => number): OddRead[] {
  const names = namesOf(ctx);
  const out: OddRead[] = [];
  names.forEach((b, cell) => {
    const run = count(ctx, cell);
    if (run === null) return;
    for (const [name, line] of [...b.uses].sort((x, y) => x[1] - y[1])) {
      const from = source(names, name, cell, run);
      if (from < 0) continue;
      out.push({ cell, run, name, line, from, fromLine: names[from]!.defines.get(name)! });
      return;
    }
  });
  return out;
}

/** What keys "ignore" for a read: the name and the statement that reads it. */
function readAnchor(ctx: RuleContext, r: OddRead): string {
  return `${r.name}@${ctx.flow.cells[r.cell]!.statements.find((s) => s.line === r.line)?.text ?? ''}`;
}

export const ranBeforeCellAbove: Rule = {
  id: 'state-out-of-order',
  severity: 'info',
  title: 'Cell ran before a cell above it',
  explanation:
    'Execution counts show this cell last ran before a cell above it that sets a variable this cell uses. Its output ' +
    'was computed from an older value of that variable, so it may not match what the notebook produces when run from ' +
    'top to bottom. Run the cells in order (Run All, or run this cell again) before trusting its output.',
  check(ctx: RuleContext): Firing[] {
    const reads = oddReads(ctx, (names, name, cb, nb) => {
      // The nearest cell above that sets the name is the one whose value this cell should see.
      let ca = cb - 1;
      while (ca >= 0 && !names[ca]!.defines.has(name)) ca--;
      const na = ca >= 0 ? count(ctx, ca) : null;
      return ca < 0 || na === null || na <= nb || names[ca]!.imports.has(name) ? -1 : ca;
    });
    return reads.map((r) => firingOn(
      r.cell, r.line, readAnchor(ctx, r),
      `This cell (In [${r.run}]) ran before the cell above that sets ${code(r.name)} last ran (${runLabel(ctx, r.from)}): its output may be stale`,
      { cell: r.from, line: r.fromLine, note: `sets ${r.name}` },
    ));
  },
};

export const usedAboveDefinition: Rule = {
  id: 'state-defined-below',
  severity: 'warning',
  title: 'Name defined only in a later cell',
  explanation:
    'This cell uses a variable that only a cell further down defines; it worked because that cell ran first. Run from ' +
    'the top (Restart & Run All, or on another machine) it stops here with a NameError. Move the definition above this ' +
    'cell, or move this cell below it.',
  check(ctx: RuleContext): Firing[] {
    if (ctx.flow.cells.some((c) => c.opaque)) return [];
    const reads = oddReads(ctx, (names, name, cb, nb) => {
      if (names.slice(0, cb).some((a) => a.defines.has(name))) return -1;
      return names.findIndex((a, i) => i > cb && a.defines.has(name) && (count(ctx, i) ?? Infinity) < nb);
    });
    return reads.map((r) => firingOn(
      r.cell, r.line, readAnchor(ctx, r),
      `${code(r.name)} is defined only in a cell below (${runLabel(ctx, r.from)}): run from the top, this cell fails`,
      { cell: r.from, line: r.fromLine, note: `defines ${r.name}` },
    ));
  },
};

export const editedAfterRun: Rule = {
  id: 'state-stale-edit',
  severity: 'warning',
  title: 'Cell edited after it ran',
  explanation:
    'This cell was changed after it last ran, and cells that ran later used what it made: their outputs come from the ' +
    'old code, not from what the cell says now. Run this cell again, then the cells after it that use its results.',
  check(ctx: RuleContext): Firing[] {
    const names = namesOf(ctx);
    const out: Firing[] = [];
    ctx.cells.forEach((cell, ca) => {
      const na = count(ctx, ca);
      if (!cell.editedSinceRun || na === null) return;
      const a = names[ca]!;
      for (let cb = 0; cb < names.length; cb++) {
        const nb = count(ctx, cb);
        if (cb === ca || nb === null || nb <= na) continue;
        const used = [...a.defines.keys()].find((n) => names[cb]!.uses.has(n) && !a.imports.has(n));
        if (!used) continue;
        out.push(firingOn(
          ca, a.defines.get(used)!, `edited@${cell.id}`,
          `Edited since it ran (In [${na}]); In [${nb}] used its ${code(used)}: run it again, then the cells that use it`,
          { cell: cb, line: names[cb]!.uses.get(used)!, note: `uses ${used}` },
        ));
        return;
      }
    });
    return out;
  },
};
