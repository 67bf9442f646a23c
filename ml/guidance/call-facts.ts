// Calls as plain data: what is called, on what object, with which arguments (their names read and string literals).
// The statement facts (python-facts.ts) and the frame shapes (frame-shapes.ts) both describe calls this way.
import type { SyntaxNode } from '../python-parser.ts';
import { readNames } from '../classifier/python-names.ts';

export interface ArgFact {
  text: string;
  reads: string[];
  /** String literals inside the argument (file paths, column names). */
  strings: string[];
}

export interface CallFact {
  /** `fit` for `sc.fit(X)`, `read_csv` for `pd.read_csv(...)`, `StandardScaler` for `StandardScaler()`. */
  name: string;
  /** The callee as written when it is a plain dotted name (`pd.read_csv`, `sc.fit`); '' otherwise. */
  dotted: string;
  /** Base variable of a method call's object: `sc` for `sc.fit(X)`, `df` for `df['a'].fillna(0)`. */
  receiver: string | null;
  /** Callee of an inline constructor the method is called on: `StandardScaler` for `StandardScaler().fit(X)`. */
  receiverCall: string | null;
  /** Names the object expression reads (`pd.DataFrame({...}).to_csv(...)` reads what the frame is made of). */
  receiverReads: string[];
  args: ArgFact[];
  kwargs: Record<string, ArgFact>;
  line: number;
  /** Source offsets, to tell which calls sit inside another call's arguments. */
  start: number;
  end: number;
}

const MAX_ARG_TEXT = 300;

export function text(node: SyntaxNode | null): string {
  return node ? node.text : '';
}

export function stringsIn(node: SyntaxNode): string[] {
  if (node.type === 'string') return [node.namedChildren.filter((c) => c.type === 'string_content').map((c) => c.text).join('')];
  return node.descendantsOfType('string').map((s) => s.namedChildren.filter((c) => c.type === 'string_content').map((c) => c.text).join(''));
}

function argFact(node: SyntaxNode): ArgFact {
  const reads: string[] = [];
  readNames(node, reads);
  return { text: node.text.slice(0, MAX_ARG_TEXT), reads, strings: stringsIn(node) };
}

/** Base variable of `a`, `a.b`, `a['x'].c`; null for anything else (a call, a literal). */
export function baseName(node: SyntaxNode | null): string | null {
  let n = node;
  while (n && (n.type === 'attribute' || n.type === 'subscript')) n = n.childForFieldName(n.type === 'attribute' ? 'object' : 'value');
  return n?.type === 'identifier' ? n.text : null;
}

function isDotted(node: SyntaxNode): boolean {
  let n: SyntaxNode | null = node;
  while (n?.type === 'attribute') n = n.childForFieldName('object');
  return n?.type === 'identifier';
}

export function callFact(call: SyntaxNode): CallFact {
  const fn = call.childForFieldName('function');
  const isAttr = fn?.type === 'attribute';
  const name = isAttr ? text(fn.childForFieldName('attribute')) : fn?.type === 'identifier' ? fn.text : '';
  const object = isAttr ? fn.childForFieldName('object') : null;
  let receiverCall: string | null = null;
  if (object?.type === 'call') {
    const inner = object.childForFieldName('function');
    receiverCall = inner?.type === 'attribute' ? text(inner.childForFieldName('attribute')) : inner?.type === 'identifier' ? inner.text : null;
  }
  const receiverReads: string[] = [];
  if (object) readNames(object, receiverReads);
  const args: ArgFact[] = [];
  const kwargs: Record<string, ArgFact> = {};
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      const key = text(a.childForFieldName('name'));
      const value = a.childForFieldName('value');
      if (key && value) kwargs[key] = argFact(value);
    } else args.push(argFact(a));
  }
  return {
    name, dotted: fn && isDotted(fn) ? fn.text : '', receiver: isAttr ? baseName(object) : null, receiverCall, receiverReads,
    args, kwargs, line: call.startPosition.row, start: call.startIndex, end: call.endIndex,
  };
}

/** Names local to comprehensions and lambdas in a statement: reading them needs no earlier cell. */
