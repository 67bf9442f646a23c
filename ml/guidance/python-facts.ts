// What each statement of a cell does, as plain data the workflow checks reason over: the names it reads and binds,
// the calls it makes (receiver, arguments, string literals) and the frame expressions it builds. Extracted once per
// distinct cell source; the notebook-wide data flow (notebook-flow.ts) only reads these facts, never the tree.
import { MAX_CELL_CHARS } from '../cell-limits.ts';
import { isTupleTarget, parsePython, unwrapIpythonLines, type SyntaxNode } from '../python-parser.ts';
import { readNames, statementNames, targetNames } from '../classifier/python-names.ts';
import { baseName, callFact, text, type CallFact } from './call-facts.ts';
import { columnKey, columnShape, droppedColumns, frameShape, type FrameShape } from './frame-shapes.ts';
import { CV_CALLS, METRIC_CALL, PREDICT_CALLS, VALIDATION_KWARGS } from './vocab.ts';

export interface StatementFact {
  /** 0-based rows in the cell. */
  line: number;
  endLine: number;
  /** Index of the enclosing top-level statement: statements nested in one `for`/`if`/`with` share it. */
  top: number;
  nested: boolean;
  kind: 'simple' | 'header' | 'import' | 'def';
  targets: string[];
  /** `name = ...`, `a, b = ...`, a loop variable: the names' old values are gone. */
  rebinds: boolean;
  /** Names of a tuple/list target in order (null where a position is not a plain name). */
  tuple: Array<string | null> | null;
  reads: string[];
  /** Reads that need a value when the statement runs: not comprehension or lambda variables, not `def` bodies. */
  freeReads: string[];
  /** Inside a `try` block: a missing name there is handled, not a failure. */
  guarded: boolean;
  /** What an import binds: `np` from module `numpy`; `SFS` for `SequentialFeatureSelector` of `mlxtend.feature_selection`. */
  imports: Array<{ name: string; module: string; original: string }>;
  /** An assignment's right-hand side when it is a call. */
  value: CallFact | null;
  /** The right-hand side is a literal: `0.174`, `'owl owl owl'`, `-1`, `[0, 1]`. */
  constant: boolean;
  /** The right-hand side's frame shape (plain assignments to one name only). */
  shape: FrameShape | null;
  calls: CallFact[];
  /** `df['col'] = ...`: the column a statement adds or replaces on a frame. */
  setsColumn: { base: string; column: string } | null;
  /** `del df['col'], X['col']`, `df.pop('col')`, `df.drop('col', axis=1, inplace=True)`: null columns when not literal. */
  dropsColumns: Array<{ base: string; columns: string[] | null }>;
  /** The statement changes a frame's columns in a way not followed (rename, `df.columns = ...`). */
  reshapes: string | null;
  text: string;
}

export interface CellFacts {
  statements: StatementFact[];
  /** Functions the cell defines whose bodies call `.predict` (or another prediction call). */
  predictingDefs: string[];
  /** Functions (and classes) the cell defines whose bodies compute a metric or a score: calling one evaluates. */
  evaluatingDefs: string[];
  /** Classes the cell defines (a `class Net(nn.Module)` is a model when called). */
  classes: string[];
  /** Names bound by something the checks cannot see (`from x import *`, `%run`, `exec`, `globals()`). */
  opaque: boolean;
}

function localNames(node: SyntaxNode): Set<string> {
  const out: string[] = [];
  for (const clause of node.descendantsOfType('for_in_clause')) {
    const left = clause.childForFieldName('left');
    if (left) targetNames(left, out);
  }
  for (const lambda of node.descendantsOfType('lambda')) {
    for (const p of lambda.childForFieldName('parameters')?.descendantsOfType('identifier') ?? []) out.push(p.text);
  }
  return new Set(out);
}

const LITERALS = new Set(['integer', 'float', 'string', 'true', 'false', 'none', 'concatenated_string']);

/** A literal value, or a list, tuple or negation of literals. */
function isLiteral(node: SyntaxNode): boolean {
  if (LITERALS.has(node.type)) return node.type !== 'string' || !node.namedChildren.some((c) => c.type === 'interpolation');
  if (node.type === 'unary_operator' || node.type === 'parenthesized_expression') return node.namedChildren.every(isLiteral);
  if (node.type === 'list' || node.type === 'tuple') return node.namedChildren.every(isLiteral);
  return false;
}

function firstLine(node: SyntaxNode): string {
  return node.text.split('\n')[0]!.trim().slice(0, 200);
}

interface Walk {
  out: StatementFact[];
  predictingDefs: string[];
  evaluatingDefs: string[];
  classes: string[];
  opaque: boolean;
}

function blank(node: SyntaxNode, top: number, nested: boolean, kind: StatementFact['kind']): StatementFact {
  return {
    line: node.startPosition.row, endLine: node.endPosition.row, top, nested, kind, targets: [], rebinds: false, tuple: null,
    reads: [], freeReads: [], guarded: false, imports: [], value: null, constant: false, shape: null, calls: [], setsColumn: null, dropsColumns: [],
    reshapes: null, text: firstLine(node),
  };
}

function withReads(s: StatementFact, node: SyntaxNode, reads: string[]): StatementFact {
  const local = localNames(node);
  s.reads = reads;
  s.freeReads = reads.filter((r) => !local.has(r));
  return s;
}

function simpleStatement(node: SyntaxNode, top: number, nested: boolean): StatementFact {
  const { assigned, reads } = statementNames(node);
  const s = withReads(blank(node, top, nested, 'simple'), node, node.type === 'delete_statement' ? [] : reads);
  s.targets = assigned;
  s.calls = node.descendantsOfType('call').map(callFact);
  const isAssignment = (c: SyntaxNode) => c.type === 'assignment' || c.type === 'augmented_assignment';
  const assignment = node.type === 'expression_statement' ? node.namedChildren.find(isAssignment) : undefined;
  if (assignment) {
    const left = assignment.childForFieldName('left');
    let right = assignment.childForFieldName('right');
    // `a = b = f(x)`: the innermost value is what both names get.
    while (right?.type === 'assignment') right = right.childForFieldName('right');
    const plainTuple = !!left && isTupleTarget(left, false) && left.namedChildren.every((c) => c.type === 'identifier');
    s.rebinds = assignment.type === 'assignment' && (left?.type === 'identifier' || plainTuple);
    // `fig, ax = plt.subplots()`, `out, (h, c) = lstm(x)` bind names; they read only their right-hand side.
    const bindsOnly = left && /pattern|tuple|list/.test(left.type) && !left.descendantsOfType(['subscript', 'attribute']).length;
    if (bindsOnly && right && assignment.type === 'assignment') {
      const r: string[] = [];
      readNames(right, r);
      withReads(s, node, r);
    }
    if (left && isTupleTarget(left, true)) {
      s.tuple = left.namedChildren.map((c) => (c.type === 'identifier' ? c.text : null));
    }
    if (right?.type === 'call') s.value = callFact(right);
    s.constant = !!right && isLiteral(right);
    if (assignment.type === 'assignment' && left?.type === 'identifier') s.shape = frameShape(right) ?? columnShape(right);
    if (left?.type === 'subscript') {
      const base = left.childForFieldName('value');
      const column = columnKey(left);
      if (base?.type === 'identifier' && column !== null) s.setsColumn = { base: base.text, column };
    }
    if (left?.type === 'attribute' && text(left.childForFieldName('attribute')) === 'columns') s.reshapes = baseName(left);
  }
  if (node.type === 'delete_statement') {
    for (const sub of node.descendantsOfType('subscript')) {
      const base = sub.childForFieldName('value');
      if (base?.type === 'identifier') s.dropsColumns.push({ base: base.text, columns: columnKey(sub) === null ? null : [columnKey(sub)!] });
    }
  }
  for (const call of node.descendantsOfType('call')) {
    const fn = call.childForFieldName('function');
    const object = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    if (object?.type !== 'identifier') continue;
    const fact = callFact(call);
    const popped = fact.args[0]?.strings;
    if (fact.name === 'pop' && popped) s.dropsColumns.push({ base: object.text, columns: popped.length === 1 ? popped : null });
    else if (fact.name === 'drop' && fact.kwargs.inplace?.text === 'True') s.dropsColumns.push({ base: object.text, columns: droppedColumns(fact, call) });
    else if (fact.kwargs.inplace?.text === 'True' && (fact.name === 'rename' || fact.name === 'set_index')) s.reshapes = object.text;
  }
  return s;
}

function importStatement(node: SyntaxNode, top: number, nested: boolean): StatementFact {
  const s = blank(node, top, nested, 'import');
  if (node.type === 'import_from_statement' && node.namedChildren.some((c) => c.type === 'wildcard_import')) return s;
  const from = node.type === 'import_from_statement' ? text(node.childForFieldName('module_name')) : null;
  for (const c of node.childrenForFieldName('name')) {
    const dotted = c.type === 'aliased_import' ? text(c.childForFieldName('name')) : c.text;
    // `import os.path` binds `os`; `import numpy as np` binds `np`; `from a import b as c` binds `c`.
    const name = c.type === 'aliased_import' ? text(c.childForFieldName('alias')) : from ? dotted : dotted.split('.')[0]!;
    s.targets.push(name);
    s.imports.push({ name, module: from ?? dotted, original: from ? dotted : name });
  }
  s.rebinds = true;
  return s;
}

function defStatement(node: SyntaxNode, top: number, nested: boolean, walk: Walk): StatementFact {
  const def = node.type === 'decorated_definition' ? node.childForFieldName('definition') ?? node : node;
  const s = withReads(blank(node, top, nested, 'def'), node, (() => {
    const r: string[] = [];
    readNames(def.childForFieldName('body') ?? def, r);
    return r;
  })());
  // A def runs nothing: only its decorators, defaults and base classes need values now.
  s.freeReads = [];
  const decorators = node.type === 'decorated_definition' ? node.namedChildren.filter((c) => c.type === 'decorator') : [];
  for (const part of [...decorators, def.childForFieldName('superclasses'), def.childForFieldName('parameters')]) {
    if (part && part.type !== 'parameters') readNames(part, s.freeReads);
  }
  const name = text(def.childForFieldName('name'));
  s.targets = name ? [name] : [];
  s.rebinds = true;
  if (def.type === 'class_definition' && name) walk.classes.push(name);
  const calls = name ? def.descendantsOfType('call').map(callFact) : [];
  if (def.type === 'function_definition' && calls.some((c) => PREDICT_CALLS.has(c.name))) walk.predictingDefs.push(name);
  // A body that scores, cross-validates, or fits with a validation set (`lgb.train(..., valid_sets=[val])`) evaluates; a
  // class's too (a notebook's `Detector(...)` whose methods fit with validation data and print metrics judges its model).
  const scores = (c: CallFact) => METRIC_CALL.test(c.name) || CV_CALLS.has(c.name) || c.name === 'score' || c.name === 'evaluate';
  if (calls.some((c) => scores(c) || Object.keys(c.kwargs).some((k) => VALIDATION_KWARGS.has(k)))) walk.evaluatingDefs.push(name);
  return s;
}

/** A compound statement's own part (a loop's target and iterable, a condition, `with ... as x`). */
function header(node: SyntaxNode, parts: Array<SyntaxNode | null>, targets: SyntaxNode[], top: number, nested: boolean): StatementFact {
  const reads: string[] = [];
  const calls: CallFact[] = [];
  for (const p of parts) {
    if (!p) continue;
    readNames(p, reads);
    calls.push(...(p.type === 'call' ? [p] : []).concat(p.descendantsOfType('call')).map(callFact));
  }
  const s = withReads(blank(node, top, nested, 'header'), node, reads);
  s.endLine = s.line;
  s.calls = calls;
  for (const t of targets) targetNames(t, s.targets);
  s.rebinds = s.targets.length > 0;
  const left = targets[0];
  if (left && isTupleTarget(left, false)) {
    s.tuple = left.namedChildren.map((c) => (c.type === 'identifier' ? c.text : null));
  }
  const iter = parts[0];
  if (node.type === 'for_statement' && iter?.type === 'call') s.value = callFact(iter);
  return s;
}

/** `open(f) as fh`: the value part. */
function unaliased(node: SyntaxNode | null): SyntaxNode | null {
  return node?.type === 'as_pattern' ? (node.namedChildren[0] ?? null) : node;
}

/** `open(f) as fh`, `except E as e`: the names bound. */
function aliasesOf(node: SyntaxNode | null): SyntaxNode[] {
  if (node?.type !== 'as_pattern') return [];
  return node.namedChildren.slice(1).flatMap((a) => (a.type === 'as_pattern_target' ? a.namedChildren : [a]));
}

function walkBlock(nodes: SyntaxNode[], top: number | null, nested: boolean, walk: Walk): void {
  nodes.forEach((node, i) => {
    const t = top ?? i;
    const child = (name: string) => node.childForFieldName(name);
    const body = (n: SyntaxNode | null) => walkBlock(n?.namedChildren ?? [], t, true, walk);
    switch (node.type) {
      case 'comment':
      case 'ERROR':
        return;
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        if (node.namedChildren.some((c) => c.type === 'wildcard_import')) walk.opaque = true;
        walk.out.push(importStatement(node, t, nested));
        return;
      case 'function_definition':
      case 'class_definition':
      case 'decorated_definition':
        walk.out.push(defStatement(node, t, nested, walk));
        return;
      case 'for_statement':
        walk.out.push(header(node, [child('right')], child('left') ? [child('left')!] : [], t, nested));
        body(child('body'));
        body(child('alternative'));
        return;
      case 'while_statement':
        walk.out.push(header(node, [child('condition')], [], t, nested));
        body(child('body'));
        body(child('alternative'));
        return;
      case 'if_statement':
        walk.out.push(header(node, [child('condition')], [], t, nested));
        body(child('consequence'));
        for (const alt of node.childrenForFieldName('alternative')) {
          if (alt.type === 'elif_clause') walk.out.push(header(alt, [alt.childForFieldName('condition')], [], t, true));
          body(alt.childForFieldName('consequence') ?? alt.childForFieldName('body') ?? alt.namedChildren.find((c) => c.type === 'block') ?? null);
        }
        return;
      case 'with_statement': {
        const values = node.descendantsOfType('with_item').map((w) => w.childForFieldName('value'));
        walk.out.push(header(node, values.map(unaliased), values.flatMap(aliasesOf), t, nested));
        body(child('body'));
        return;
      }
      case 'try_statement':
        for (const c of node.namedChildren) {
          if (c.type === 'block') {
            const from = walk.out.length;
            body(c);
            walk.out.slice(from).forEach((st) => (st.guarded = true));
          } else {
            const value = c.type === 'except_clause' ? c.childForFieldName('value') : null;
            if (value) walk.out.push(header(c, [unaliased(value)], aliasesOf(value), t, true));
            body(c.namedChildren.find((b) => b.type === 'block') ?? null);
          }
        }
        return;
      default:
        if (/\b(exec|globals|locals|vars)\s*\(|%run|%store/.test(node.text)) walk.opaque = true;
        walk.out.push(simpleStatement(node, t, nested));
    }
  });
}

/** Facts of one cell's source; IPython lines (`%run`, `!pip`) are blank to the parser, `%run` marks the cell opaque. */
/** Cell magics whose body is Python; any other `%%` magic (`%%bash`, `%%writefile`, `%%html`) makes the cell not Python. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug']);
/** Old notebooks write some cell magics with one `%` alone on the first line (`%bash`). */
const SHELL_LINE = /^\s*%(bash|sh|script|html|javascript|js|latex|markdown|perl|ruby|svg|sql|writefile|file)\b/;

function isPythonCell(source: string): boolean {
  const first = source.split('\n').find((l) => l.trim()) ?? '';
  const cellMagic = /^\s*%%(\w+)/.exec(first)?.[1];
  if (cellMagic) return PYTHON_CELL_MAGICS.has(cellMagic);
  return !SHELL_LINE.test(first);
}

export function cellFacts(source: string): CellFacts {
  if (!isPythonCell(source)) return { statements: [], predictingDefs: [], evaluatingDefs: [], classes: [], opaque: false };
  const root = parsePython(unwrapIpythonLines(source)).rootNode;
  const walk: Walk = { out: [], predictingDefs: [], evaluatingDefs: [], classes: [], opaque: /^\s*%(run|store)\b/m.test(source) };
  walkBlock(root.namedChildren, null, false, walk);
  const { out, predictingDefs, evaluatingDefs, classes, opaque } = walk;
  return { statements: out, predictingDefs, evaluatingDefs, classes, opaque };
}

const cache = new Map<string, CellFacts>();
const CACHE_MAX = 5000;
const NO_FACTS: CellFacts = { statements: [], predictingDefs: [], evaluatingDefs: [], classes: [], opaque: false };

/**
 * The editor sends the whole notebook after every pause: unchanged cells keep their facts. A cell too big for the
 * models (ml/cell-limits.ts), or nested deeper than the walk can follow, is checked as empty, never failing the rest.
 */
export function cachedCellFacts(source: string): CellFacts {
  let f = cache.get(source);
  if (!f) {
    if (cache.size >= CACHE_MAX) cache.clear();
    try {
      f = source.length > MAX_CELL_CHARS ? NO_FACTS : cellFacts(source);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      f = NO_FACTS;
    }
    cache.set(source, f);
  }
  return f;
}
