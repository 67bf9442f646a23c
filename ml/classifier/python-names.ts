// Which variables a statement reads and which it assigns: the data flow both the statement rules (inside a cell)
// and the notebook context (across cells) follow.
import type { SyntaxNode } from '../python-parser.ts';

/** An attribute's name (`.head`) or a keyword argument's name (`axis=`): an identifier that is no variable. */
function isNameField(parent: SyntaxNode, child: SyntaxNode): boolean {
  const field = parent.type === 'attribute' ? 'attribute' : parent.type === 'keyword_argument' ? 'name' : null;
  return field !== null && parent.childForFieldName(field)?.id === child.id;
}

/**
 * Identifiers read in a subtree, in source order: attribute names (`.head`) and keyword names (`axis=`) are not
 * variables. Walked with an explicit stack, children judged while their parent is at hand (tree-sitter's `parent`
 * searches down from the root): `1+1+…` or `df.a.a.…` nests as deep as it is long.
 */
export function readNames(root: SyntaxNode, out: string[]): void {
  if (root.type === 'identifier' && root.parent && isNameField(root.parent, root)) return;
  const stack = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'identifier') {
      out.push(node.text);
      continue;
    }
    const children = node.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]!;
      if (child.type === 'identifier' && isNameField(node, child)) continue;
      stack.push(child);
    }
  }
}

/** Base variable of an assignment target: `df` for `df['a']`, `df.loc[...]`, `df.a`; every name of a tuple/list pattern. */
export function targetNames(node: SyntaxNode, out: string[]): void {
  switch (node.type) {
    case 'identifier':
      out.push(node.text);
      return;
    case 'subscript':
    case 'attribute': {
      const base = node.childForFieldName(node.type === 'subscript' ? 'value' : 'object');
      if (base) targetNames(base, out);
      return;
    }
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'list_splat_pattern':
      for (const child of node.namedChildren) targetNames(child, out);
      return;
    default:
      return;
  }
}

export interface StatementNames {
  /** Base names the statement assigns (`df` for `df['x'] = ...`, both names of `a, b = ...`, a `for` target). */
  assigned: string[];
  /** Names the statement reads. */
  reads: string[];
}

/** Reads and writes of a top-level statement; compound statements are taken whole (their body's writes count). */
export function statementNames(node: SyntaxNode): StatementNames {
  const assigned: string[] = [];
  const reads: string[] = [];
  const assignment =
    node.type === 'expression_statement' ? node.namedChildren.find((c) => c.type === 'assignment' || c.type === 'augmented_assignment') : undefined;
  if (assignment) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left) targetNames(left, assigned);
    if (right) readNames(right, reads);
    // `df['x'] = ...` reads df too, and `a += b` reads a.
    if (left && (left.type !== 'identifier' || assignment.type === 'augmented_assignment')) readNames(left, reads);
  } else {
    readNames(node, reads);
    for (const a of node.descendantsOfType(['assignment', 'augmented_assignment'])) {
      const left = a.childForFieldName('left');
      if (left) targetNames(left, assigned);
    }
    // `cdf.rename(..., inplace=True)` and `df.fillna(0, inplace=True)` change the object they are called on.
    for (const call of node.descendantsOfType('call')) {
      const fn = call.childForFieldName('function');
      if (fn?.type !== 'attribute' || !/\binplace\s*=\s*True\b/.test(call.childForFieldName('arguments')?.text ?? '')) continue;
      const object = fn.childForFieldName('object');
      if (object) targetNames(object, assigned);
    }
  }
  return { assigned, reads };
}
