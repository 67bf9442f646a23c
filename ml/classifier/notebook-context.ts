// Notebook context for stage labels: a cell alone cannot tell a plot of predictions from a plot of data, the notebook's
// data flow can. stages.md puts "plots ... of predictions" and judging a model under Model Evaluation, so a cell that
// would be exploration or preparation on its own but reads names derived from a model's predictions is evaluation.
import { parsePython, type SyntaxNode } from '../python-parser.ts';
import { statementNames } from './python-names.ts';
import { STAGES, type Stage } from './stages.ts';

const PREDICT_CALLS = new Set(['predict', 'predict_proba', 'predict_classes', 'predict_generator', 'predict_on_batch', 'decision_function', 'forecast']);
/** Cells that fit or split are doing their own work even when they read predictions (stacking, pseudo-labels). */
const WORK_CALLS = new Set(['fit', 'fit_generator', 'train', 'train_test_split', 'fit_transform']);
const PROMOTABLE: ReadonlySet<Stage> = new Set(['explore', 'prep']);

interface StatementFlow {
  /** Base names the statement assigns (`df` for `df['x'] = ...`, both names of `a, b = ...`). */
  targets: string[];
  /** Names the statement reads. */
  uses: string[];
  calls: string[];
}

export interface CellFlow {
  statements: StatementFlow[];
  uses: Set<string>;
  calls: Set<string>;
}

function calleeName(fn: SyntaxNode | null): string {
  if (!fn) return '';
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text ?? '';
  if (fn.type === 'identifier') return fn.text;
  return '';
}

function statementFlow(node: SyntaxNode): StatementFlow {
  const { assigned, reads } = statementNames(node);
  const calls = node.descendantsOfType('call').map((c) => calleeName(c.childForFieldName('function')));
  return { targets: assigned, uses: reads, calls };
}

export function cellFlow(source: string): CellFlow {
  const root = parsePython(source).rootNode;
  const statements = root.namedChildren.filter((n) => n.type !== 'comment').map(statementFlow);
  const uses = new Set<string>();
  const calls = new Set<string>();
  for (const s of statements) {
    s.uses.forEach((u) => uses.add(u));
    s.calls.forEach((c) => calls.add(c));
  }
  return { statements, uses, calls };
}

/**
 * Follows, cell by cell in notebook order, which variables hold a model's predictions (or values computed from them).
 * Only earlier cells matter, so it works on a stream of cells as well as on a whole notebook.
 */
export class PredictionFlow {
  private readonly derived = new Set<string>();

  /** Whether the cell reads predictions made in earlier cells; then records what the cell itself derives. */
  observe(flow: CellFlow): boolean {
    let reads = false;
    for (const u of flow.uses) {
      if (this.derived.has(u)) {
        reads = true;
        break;
      }
    }
    for (const s of flow.statements) {
      if (s.calls.some((c) => c === 'fit')) continue;
      if (s.calls.some((c) => PREDICT_CALLS.has(c)) || s.uses.some((u) => this.derived.has(u))) s.targets.forEach((t) => this.derived.add(t));
    }
    return reads && ![...flow.calls].some((c) => WORK_CALLS.has(c));
  }
}

export interface StageProbs {
  stage: Stage;
  probs: Record<Stage, number>;
}

/** Moves a cell that reads earlier predictions from explore/prep to eval; other stages (and probabilities' order) stay. */
export function promoteToEval<T extends StageProbs>(base: T): T {
  if (!PROMOTABLE.has(base.stage)) return base;
  const top = Math.max(...STAGES.map((s) => base.probs[s]));
  const probs = { ...base.probs };
  // Keep a distribution: eval takes the top share, the stage it replaces keeps what eval had.
  probs[base.stage] = base.probs.eval;
  probs.eval = top;
  return { ...base, stage: 'eval', probs, context: 'reads-predictions' };
}

/** Stages of a notebook's code cells in order, from per-cell classifications and the notebook's data flow. */
export function withNotebookContext<T extends StageProbs>(sources: string[], base: T[]): T[] {
  const flow = new PredictionFlow();
  return sources.map((source, i) => {
    const reads = flow.observe(cellFlow(source));
    return reads ? promoteToEval(base[i]!) : base[i]!;
  });
}

/**
 * Same for cells of many notebooks in any order (a hand-label file): grouped by `notebook`, ordered by `order`.
 * Cells without a notebook name are judged alone. Results come back in the input order.
 */
export function withContextByNotebook<T extends StageProbs>(cells: Array<{ notebook: string; order: number; source: string }>, base: T[]): T[] {
  const out = [...base];
  const groups = new Map<string, number[]>();
  cells.forEach((c, i) => {
    if (!c.notebook) return;
    const g = groups.get(c.notebook) ?? [];
    g.push(i);
    groups.set(c.notebook, g);
  });
  for (const idx of groups.values()) {
    idx.sort((a, b) => cells[a]!.order - cells[b]!.order);
    const refined = withNotebookContext(idx.map((i) => cells[i]!.source), idx.map((i) => base[i]!));
    idx.forEach((i, k) => (out[i] = refined[k]!));
  }
  return out;
}
