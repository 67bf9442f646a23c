// One pass over a cell's tree-sitter tree collecting what the labeling functions look at, so 40+ LFs cost one parse.
import { parsePython, type SyntaxNode } from '../../python-parser.ts';
import { tokenize } from '../preprocess.ts';
import { statementNames } from '../python-names.ts';

export interface Statement {
  /** tree-sitter node type of the top-level statement (import_statement, expression_statement, ...). */
  kind: string;
  /** Effective (non-blank, non-comment) lines the statement spans: the spec counts lines, not statements. */
  lines: number;
  /** Last name of every callee (`read_csv`, `fit`, `RandomForestClassifier`). */
  calls: string[];
  /** Full callee text with whitespace removed (`pd.read_csv`, `model.fit`). */
  callees: string[];
  /** Attribute names read anywhere in the statement (`shape`, `history`). */
  attrs: string[];
  /** Assignment targets' text (`X_train`, `df['age']`). */
  targets: string[];
  /** Base classes when the statement defines a class. */
  bases: string[];
  text: string;
  /** Statements inside a def/for/while/if/with/try body (the spec counts a body's lines by what they do). */
  children: Statement[];
  /** Base names assigned anywhere in the statement (`df` for `df['a'] = ...`). */
  assigned: string[];
  /** Variable names read. */
  reads: string[];
  /** A `def` that returns a value (a transform) rather than only drawing or printing. */
  returnsValue: boolean;
  /** For a body statement: which block of its compound it is in (if / elif / else, try / except): branches do not see each other's names. */
  clause: number;
}

export interface CellFeatures {
  source: string;
  statements: Statement[];
  /** Lines beginning with `%` or `!` (blanked before parsing). */
  magics: string[];
  calls: Set<string>;
  callees: Set<string>;
  attrs: Set<string>;
  tokens: Set<string>;
  lines: number;
}

function calleeName(fn: SyntaxNode | null): string {
  if (!fn) return '';
  // `re.compile` builds a regex, not a Keras model.
  if (fn.type === 'attribute' && /^(re|regex)\.compile$/.test(fn.text)) return 'regex_compile';
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text ?? '';
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'call') return calleeName(fn.childForFieldName('function'));
  return '';
}

function effectiveLines(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t && !t.startsWith('#')) n++;
  }
  return n;
}

function statementOf(node: SyntaxNode): Statement {
  const calls: string[] = [];
  const callees: string[] = [];
  for (const call of node.descendantsOfType('call')) {
    const fn = call.childForFieldName('function');
    calls.push(calleeName(fn));
    if (fn && fn.text.length < 80) callees.push(fn.text.replace(/\s+/g, ''));
  }
  const attrs = node.descendantsOfType('attribute').map((a) => a.childForFieldName('attribute')?.text ?? '');
  const targets: string[] = [];
  const bases: string[] = [];
  let inner: SyntaxNode = node;
  if (node.type === 'decorated_definition') inner = node.childForFieldName('definition') ?? node;
  if (node.type === 'expression_statement') {
    for (const child of node.namedChildren) {
      if (child.type === 'assignment' || child.type === 'augmented_assignment') {
        const left = child.childForFieldName('left');
        if (left) targets.push(left.text.replace(/\s+/g, ''));
      }
    }
  }
  if (inner.type === 'class_definition') {
    const sup = inner.childForFieldName('superclasses');
    if (sup) bases.push(...sup.namedChildren.map((c) => c.text));
  }
  const names = statementNames(inner);
  const returnsValue =
    inner.type === 'function_definition' &&
    inner.descendantsOfType(['return_statement', 'yield']).some((r) => r.type === 'yield' || r.namedChildren.length > 0);
  return {
    kind: inner.type,
    lines: Math.max(1, effectiveLines(node.text)),
    calls,
    callees,
    attrs,
    targets,
    bases,
    text: node.text,
    children: bodyStatements(inner),
    ...names,
    returnsValue,
    clause: 0,
  };
}

const COMPOUND = new Set(['function_definition', 'for_statement', 'while_statement', 'if_statement', 'with_statement', 'try_statement']);
const CLAUSES = new Set(['elif_clause', 'else_clause', 'except_clause', 'finally_clause']);

function bodyStatements(node: SyntaxNode): Statement[] {
  if (!COMPOUND.has(node.type)) return [];
  const blocks: SyntaxNode[] = [];
  for (const child of node.namedChildren) {
    if (child.type === 'block') blocks.push(child);
    else if (CLAUSES.has(child.type)) blocks.push(...child.namedChildren.filter((c) => c.type === 'block'));
  }
  return blocks.flatMap((b, k) => b.namedChildren.filter((n) => n.type !== 'comment').map((n) => ({ ...statementOf(n), clause: k })));
}

/** The code of a cell whose every line is commented out, with the `#` removed; null when it is not that. */
export function commentedOutCode(source: string): string | null {
  const lines = source.split('\n').filter((l) => l.trim());
  if (lines.length === 0 || !lines.every((l) => l.trim().startsWith('#'))) return null;
  const code = lines.map((l) => l.trim().replace(/^#+ ?/, '')).join('\n');
  // Prose comments are not code: ask for a call, an assignment or an import.
  return /\w\(|^\s*[\w.[\]'"]+\s*=[^=]|^\s*(import|from)\s/m.test(code) ? code : null;
}

export function extractFeatures(source: string): CellFeatures {
  // A cell of nothing but commented-out code has no stage of its own: people read it as what it would do.
  const disabled = commentedOutCode(source);
  if (disabled !== null) return extractFeatures(disabled.replace(/^\s*[%!].*$/gm, ''));
  // `%time m.fit(X, y)` runs the code after the magic; keep it.
  if (/^\s*%(time|timeit|prun)\s+\S/m.test(source)) return extractFeatures(source.replace(/^(\s*)%(time|timeit|prun)\s+/gm, '$1'));
  const tree = parsePython(source);
  const statements = tree.rootNode.namedChildren.filter((n) => n.type !== 'comment').map(statementOf);
  // Code parked in a string (`'''...'''`) is read like commented-out code.
  const only = statements.length === 1 ? tree.rootNode.namedChildren.find((n) => n.type === 'expression_statement') : undefined;
  if (only && only.namedChildren.length === 1 && only.namedChildren[0]!.type === 'string') {
    const body = only.namedChildren[0]!.text.replace(/^[rbuf]*('''|"""|'|")/i, '').replace(/('''|"""|'|")$/, '');
    if (/\w\(|^\s*[\w.[\]'"]+\s*=[^=]/m.test(body) && body.includes('\n')) return extractFeatures(body);
  }
  const magics = source
    .split('\n')
    .filter((l) => /^\s*[%!]/.test(l))
    .map((l) => l.trim());
  const calls = new Set<string>();
  const callees = new Set<string>();
  const attrs = new Set<string>();
  for (const s of statements) {
    s.calls.forEach((c) => calls.add(c));
    s.callees.forEach((c) => callees.add(c));
    s.attrs.forEach((a) => attrs.add(a));
  }
  const lines = statements.reduce((n, s) => n + s.lines, 0) + magics.length;
  return { source, statements, magics, calls, callees, attrs, tokens: new Set(tokenize(source)), lines };
}
