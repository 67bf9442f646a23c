// One pass over a cell's tree-sitter tree collecting what the labeling functions look at, so 40+ LFs cost one parse.
import { parsePython, type SyntaxNode } from '../../python-parser.ts';
import { tokenize } from '../preprocess.ts';

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
  return { kind: inner.type, lines: Math.max(1, effectiveLines(node.text)), calls, callees, attrs, targets, bases, text: node.text, children: bodyStatements(inner) };
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
  return blocks.flatMap((b) => b.namedChildren.filter((n) => n.type !== 'comment').map(statementOf));
}

export function extractFeatures(source: string): CellFeatures {
  const tree = parsePython(source);
  const statements = tree.rootNode.namedChildren.filter((n) => n.type !== 'comment').map(statementOf);
  const magics = source.split('\n').filter((l) => /^\s*[%!]/.test(l)).map((l) => l.trim());
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
