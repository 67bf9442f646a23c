// Notebook context for stage labels: a cell alone cannot tell a plot of predictions from a plot of data, the notebook's
// data flow can. stages.md puts "plots ... of predictions" and judging a model under Model Evaluation, so a cell that
// would be exploration or preparation on its own but reads names derived from a model's predictions is evaluation.
//
// The same goes for the notebook's own functions: stages.md judges a `def` by what its body does, so a later call of
// it (`x_test, ids = load_test(path)`, `plot_top_tfidf('french')`) does that too, though the call alone names nothing
// the rules know.
import { parsePython, type SyntaxNode } from '../python-parser.ts';
import { extractFeatures, type CellFeatures, type Statement } from './labeling-functions/features.ts';
import { countLines, majorityOfCounts, majorityStage, statementStages } from './labeling-functions/statement-rules.ts';
import { PREDICT_CALLS } from './labeling-functions/vocab.ts';
import { statementNames } from './python-names.ts';
import { STAGES, type Stage } from './stages.ts';

/** Measures of a model (`cvs = cross_val_score(...)`, `acc = accuracy_score(y, p)`): showing them later judges it too. */
const MEASURE_CALL =
  /^(cross_val_score|cross_validate|cross_val_predict|confusion_matrix|classification_report|log_loss|roc_curve|auc|\w+_score|\w+_error)$/;
/** Cells that fit or split are doing their own work even when they read predictions (stacking, pseudo-labels). */
const WORK_CALLS = new Set(['fit', 'fit_generator', 'train', 'train_test_split', 'fit_transform']);
const PROMOTABLE: ReadonlySet<Stage> = new Set(['explore', 'prep']);

interface StatementFlow {
  /** Base names the statement assigns (`df` for `df['x'] = ...`, both names of `a, b = ...`). */
  targets: string[];
  /** Names the statement reads. */
  uses: string[];
  calls: string[];
  /** A `for`/`with`/`def`... taken whole: the names it assigns are its own (loop variables), not earlier cells'. */
  compound: boolean;
  /** `name = ...` / `a, b = ...`: the old values of these names are gone (unlike `df['x'] = ...`). */
  rebinds: boolean;
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
  const names = statementNames(node);
  // `del preds, sub` frees memory; it does not use what it deletes.
  const { assigned, reads } = node.type === 'delete_statement' ? { assigned: [], reads: [] } : names;
  const calls = node.descendantsOfType('call').map((c) => calleeName(c.childForFieldName('function')));
  const assignment = node.type === 'expression_statement' ? node.namedChildren.find((c) => c.type === 'assignment') : undefined;
  const left = assignment?.childForFieldName('left');
  const rebinds =
    !!left &&
    (left.type === 'identifier' ||
      ((left.type === 'pattern_list' || left.type === 'tuple_pattern') && left.namedChildren.every((c) => c.type === 'identifier')));
  return { targets: assigned, uses: reads, calls, compound: node.type !== 'expression_statement', rebinds };
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
    // Names this cell binds anew (`x = f(img)`, loop variables): reading them later in the cell reads the cell's own
    // values, which hold model output only if this cell made them from it.
    const rebound = new Set<string>();
    const madeHere = new Set<string>();
    for (const s of flow.statements) {
      const own = new Set(s.compound ? s.targets : []);
      const earlier = (u: string): boolean => this.derived.has(u) && !rebound.has(u) && !own.has(u);
      reads ||= s.uses.some(earlier);
      const fromModel =
        s.uses.some((u) => earlier(u) || madeHere.has(u)) ||
        s.calls.some((c) => PREDICT_CALLS.has(c)) ||
        (!s.compound && s.calls.some((c) => MEASURE_CALL.test(c)));
      if (fromModel && !s.calls.includes('fit')) s.targets.forEach((t) => (this.derived.add(t), madeHere.add(t)));
      // `data = data.join(dummies)` of clean data, or `x = 0`: the name no longer holds model output.
      else if (s.rebinds) s.targets.forEach((t) => (this.derived.delete(t), madeHere.delete(t)));
      if (s.rebinds || s.compound) s.targets.forEach((t) => rebound.add(t));
    }
    return reads && ![...flow.calls].some((c) => WORK_CALLS.has(c));
  }
}

export interface StageProbs {
  stage: Stage;
  probs: Record<Stage, number>;
}

export type ContextReason = 'reads-predictions' | 'calls-notebook-function';

/** Gives a cell another stage; probabilities stay a distribution: the new stage takes the top share, the old one its. */
export function relabel<T extends StageProbs>(base: T, stage: Stage, reason: ContextReason): T {
  if (base.stage === stage) return base;
  const top = Math.max(...STAGES.map((s) => base.probs[s]));
  const probs = { ...base.probs };
  probs[base.stage] = base.probs[stage];
  probs[stage] = top;
  return { ...base, stage, probs, context: reason };
}

/** Moves a cell that reads earlier predictions from explore/prep to eval; other stages (and probabilities' order) stay. */
export function promoteToEval<T extends StageProbs>(base: T): T {
  return PROMOTABLE.has(base.stage) ? relabel(base, 'eval', 'reads-predictions') : base;
}

/** A statement that calls one of the notebook's functions, directly (`f(x)`, `a, b = f(x)`): that function's stage. */
function ownCallStage(s: Statement, defs: ReadonlyMap<string, Stage>): Stage | undefined {
  if (s.kind !== 'expression_statement') return undefined;
  // Only the statement's own call: inside a plot or a print (`plt.plot(x, [f(v) for v in x])`) it serves that.
  const value = s.targets.length > 0 ? s.text.slice(s.text.indexOf('=') + 1) : s.text;
  const callee = /^\s*(\w+)\s*\(/.exec(value)?.[1];
  return callee ? defs.get(callee) : undefined;
}

/** Stages that context may replace: no rule (null), or the fallback for an unknown call (prep). */
const REPLACEABLE: ReadonlySet<Stage | null> = new Set([null, 'prep']);

const featureCache = new Map<string, CellFeatures>();

/** Forgets every parsed cell: benchmarks measure cells the classifier has not seen. */
export function clearFeatureCache(): void {
  featureCache.clear();
}

/** Notebooks are re-read on every keystroke; unchanged cells keep their parse. */
export function featuresOf(source: string): CellFeatures {
  let f = featureCache.get(source);
  if (!f) {
    if (featureCache.size > 2000) featureCache.clear();
    featureCache.set(source, (f = extractFeatures(source)));
  }
  return f;
}

/**
 * The cell's line count when calls of the notebook's own functions count as their bodies' stage; null when no call
 * changes what the rules alone decide. Records the cell's own defs (a cell may define and call).
 */
function ownFunctionStage(f: CellFeatures, defs: Map<string, Stage>): Stage | null {
  const stages = statementStages(f);
  f.statements.forEach((s, k) => {
    const name = s.kind === 'function_definition' ? /^\s*def\s+(\w+)/.exec(s.text)?.[1] : undefined;
    // A body the rules read as plain prep says no more than the fallback already does.
    const st = stages[k];
    if (name && st && st !== 'prep' && st !== 'import') defs.set(name, st);
    else if (name) defs.delete(name);
  });
  let changed = false;
  const refined = stages.map((st, k) => {
    const own = REPLACEABLE.has(st) ? ownCallStage(f.statements[k]!, defs) : undefined;
    if (!own || own === st) return st;
    changed = true;
    return own;
  });
  if (!changed) return null;
  const after = majorityOfCounts(f, countLines(f, refined));
  return after !== majorityStage(f) ? after : null;
}

const flowCache = new Map<string, CellFlow>();
/** The editor re-reads the notebook after every pause: an unchanged cell keeps its parse (observe only reads it). */
function cachedFlow(source: string): CellFlow {
  let f = flowCache.get(source);
  if (!f) {
    if (flowCache.size > 2000) flowCache.clear();
    flowCache.set(source, (f = cellFlow(source)));
  }
  return f;
}

/**
 * The notebook's context read cell by cell, in order: each call refines one cell's classification from what the
 * earlier cells did (predictions made, functions defined). Only earlier cells matter, so it works on streams.
 */
export class NotebookContext {
  private readonly flow = new PredictionFlow();
  private readonly defs = new Map<string, Stage>();

  next<T extends StageProbs>(source: string, base: T): T {
    const f = featuresOf(source);
    let out = base;
    const own = ownFunctionStage(f, this.defs);
    if (own) out = relabel(out, own, 'calls-notebook-function');
    if (this.flow.observe(cachedFlow(source))) out = promoteToEval(out);
    return out;
  }
}

/** Stages of a notebook's code cells in order, from per-cell classifications and the notebook's data flow. */
export function withNotebookContext<T extends StageProbs>(sources: string[], base: T[]): T[] {
  const context = new NotebookContext();
  return sources.map((source, i) => context.next(source, base[i]!));
}
