// The next-line metric's call key (shared/specs/nextline_keys.py `key_of`), ported to tree-sitter: same keys on the same statements.
import { parsePython, type SyntaxNode } from '../python-parser.ts';

/** Import alias → dotted target, as `aliases_from` builds it from the imports before a position. */
export type AliasTable = Map<string, string>;

/** A top-level statement of a cell: its node, and its offsets in the cleaned cell text. */
export interface TopStatement {
  node: SyntaxNode;
  start: number;
  end: number;
}

// The reference blanks every line that starts with %, ! or ? (magics, shell, help) before parsing.
const MAGIC = /^\s*[%!?]/;
// Python 2 statements tree-sitter accepts but Python 3's `ast.parse` rejects.
const PY2_ONLY = new Set(['print_statement', 'exec_statement']);

export function cleanCell(source: string): string {
  return source
    .split(/\r\n|\r|\n/)
    .map((l) => (MAGIC.test(l) ? '' : l))
    .join('\n');
}

function parsesAsPython3(root: SyntaxNode): boolean {
  if (root.hasError) return false;
  if (root.descendantsOfType([...PY2_ONLY]).length > 0) return false;
  // tree-sitter accepts an indented statement that Python rejects ("unexpected indent"), unless it follows `;` on the same line.
  let lastRow = -1;
  for (const n of root.namedChildren) {
    if (n.type === 'comment') continue;
    if (n.startPosition.column > 0 && n.startPosition.row !== lastRow) return false;
    lastRow = n.endPosition.row;
  }
  return true;
}

/**
 * The cell's top-level statements, or null when the cell does not parse (the reference then has no positions in it).
 * `parses` overrides the decision with Python's own (tree-sitter accepts a few things CPython rejects).
 */
export function topStatements(source: string, parses?: boolean): { text: string; statements: TopStatement[] } | null {
  if (parses === false) return null;
  const text = cleanCell(source);
  const root = parseCached(text).rootNode;
  if (parses === undefined && !parsesAsPython3(root)) return null;
  const statements = root.namedChildren
    .filter((n) => n.type !== 'comment' && !n.hasError)
    .map((node) => ({ node, start: node.startIndex, end: node.endIndex }));
  return { text, statements };
}

// The app asks again after every pause with mostly unchanged cells: parse each distinct cell text once.
const trees = new Map<string, ReturnType<typeof parsePython>>();
let maxTrees = 2000;

/** Corpus passes read each cell once: no cache there (it only costs memory and collection time). */
export function setParseCache(size: number): void {
  maxTrees = size;
  trees.clear();
}

function parseCached(text: string): ReturnType<typeof parsePython> {
  if (maxTrees === 0) return parsePython(text);
  let tree = trees.get(text);
  if (tree) {
    trees.delete(text);
    trees.set(text, tree);
    return tree;
  }
  tree = parsePython(text);
  if (text.length < 200_000) {
    trees.set(text, tree);
    if (trees.size > maxTrees) trees.delete(trees.keys().next().value!);
  }
  return tree;
}

function unwrap(n: SyntaxNode): SyntaxNode {
  let cur = n;
  while (cur.type === 'parenthesized_expression' && cur.namedChildren.length === 1) {
    const inner = cur.namedChildren[0];
    if (!inner || inner.type === 'comment') break;
    cur = inner;
  }
  return cur;
}

function importedNames(node: SyntaxNode): Array<{ name: string; asname?: string }> {
  const out: Array<{ name: string; asname?: string }> = [];
  const items = node.type === 'import_statement' ? node.namedChildren : node.childrenForFieldName('name');
  if (node.type === 'future_import_statement' && items.length === 0) items.push(...node.namedChildren);
  for (const c of items) {
    if (c.type === 'aliased_import') {
      const name = c.childForFieldName('name')?.text;
      if (name) out.push({ name, asname: c.childForFieldName('alias')?.text });
    } else if (c.type === 'dotted_name') out.push({ name: c.text });
  }
  if (node.type === 'import_from_statement' && node.namedChildren.some((c) => c.type === 'wildcard_import')) out.push({ name: '*' });
  return out;
}

/** The module of `from M import ...` as `ast.ImportFrom.module` has it: dots dropped, None when only dots. */
function fromModule(node: SyntaxNode): string {
  const m = node.childForFieldName('module_name');
  if (!m) return 'None';
  if (m.type === 'relative_import') {
    const dotted = m.namedChildren.find((c) => c.type === 'dotted_name');
    return dotted ? dotted.text : 'None';
  }
  return m.text;
}

function isImport(node: SyntaxNode): boolean {
  return node.type === 'import_statement' || node.type === 'import_from_statement' || node.type === 'future_import_statement';
}

/** `aliases_from`: what an import statement adds to the alias table. */
export function addAliases(node: SyntaxNode, table: AliasTable): void {
  if (node.type === 'import_statement') {
    for (const a of importedNames(node)) {
      const head = a.name.split('.')[0] ?? a.name;
      table.set(a.asname ?? head, a.asname ? a.name : head);
    }
  } else if (node.type === 'future_import_statement') {
    for (const a of importedNames(node)) table.set(a.asname ?? a.name, `__future__.${a.name}`);
  } else if (node.type === 'import_from_statement') {
    const m = node.childForFieldName('module_name');
    if (!m || (m.type === 'relative_import' && !m.namedChildren.some((c) => c.type === 'dotted_name'))) return;
    const module = fromModule(node);
    for (const a of importedNames(node)) table.set(a.asname ?? a.name, `${module}.${a.name}`);
  }
}

/** `dotted`: the name a call's function gets in a key, or undefined when it has none. */
function dotted(expr: SyntaxNode, table: AliasTable): string | undefined {
  const parts: string[] = [];
  let cur = unwrap(expr);
  while (cur.type === 'attribute') {
    const attr = cur.childForFieldName('attribute');
    const obj = cur.childForFieldName('object');
    if (!attr || !obj) return undefined;
    parts.push(attr.text);
    cur = unwrap(obj);
  }
  if (cur.type === 'identifier') {
    const target = table.get(cur.text);
    if (target !== undefined) return [target, ...parts.reverse()].join('.');
    if (parts.length === 0) return cur.text;
    return `.${parts[0]}`;
  }
  return parts.length ? `.${parts[0]}` : undefined;
}

function compare(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

/** The statement's key: `import:<module>[.<name>]` per imported name, else its calls ordered by source position. */
export function keyOf(node: SyntaxNode, table: AliasTable): string[] {
  if (node.type === 'import_statement') return importedNames(node).map((a) => `import:${a.name}`);
  if (node.type === 'future_import_statement') return importedNames(node).map((a) => `import:__future__.${a.name}`);
  if (node.type === 'import_from_statement') {
    const module = fromModule(node);
    return importedNames(node).map((a) => `import:${module}.${a.name}`);
  }
  const calls: Array<[number, number, string]> = [];
  // An explicit stack, not recursion: `f(1)+f(1)+…` nests as deep as the cell is long. The order is the sort's.
  const stack = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      const d = fn ? dotted(fn, table) : undefined;
      if (d) calls.push([n.startPosition.row, n.startPosition.column, d]);
    }
    for (const c of n.namedChildren) stack.push(c);
  }
  return calls.sort(compare).map((c) => c[2]);
}

/** One key as a single string: the form every table and feature uses. */
export function keyString(key: readonly string[]): string {
  return key.join(' ');
}

/** A suggestion's key at a position: null when it does not parse as Python 3. */
export function keyOfText(text: string, table: AliasTable): string[] | null {
  const parsed = topStatements(text.trim());
  if (!parsed) return null;
  const first = parsed.statements[0];
  return first ? keyOf(first.node, table) : null;
}

export { isImport };
