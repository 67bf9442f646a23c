// Masks notebook code into the report's token lines (libraries, functions, the variables they act on) plus code templates for specialization.
import { parsePython, type SyntaxNode } from '../python-parser.ts';
import { BUILTINS } from './builtins.ts';

/** Template holes: ⟦v:name⟧ variable, ⟦l:dotted⟧ library reference, ⟦p:"json"⟧ file path, ⟦c:"json"⟧ column name. */
export const HOLE_OPEN = '\u27e6';
export const HOLE_CLOSE = '\u27e7';

export interface MaskedLine {
  /** Tokens; variables are `@name` until renumbered per window (see window.ts). */
  raw: string[];
  /** The statement's code with holes, so a masked line can be turned back into runnable code. */
  template: string;
  /** Names the statement binds (assignment targets, imports). */
  defines: string[];
  text: string;
  cell: number;
}

/** What the notebook so far makes available: import aliases, variables, literals worth reusing. */
export interface MaskContext {
  aliases: Map<string, string>;
  vars: Set<string>;
  paths: string[];
  columns: string[];
}

export function emptyContext(): MaskContext {
  return { aliases: new Map(), vars: new Set(), paths: [], columns: [] };
}

export const PATH_RE = /[/\\]|\.(csv|tsv|json|txt|xlsx?|parquet|zip|gz|feather|pkl|pickle|h5|hdf5?|npy|npz|jpg|png)$/i;
export const COLUMN_KEYWORDS = new Set(['x', 'y', 'hue', 'by', 'columns', 'column', 'on', 'subset', 'index', 'values', 'col', 'row', 'labels']);
// Positional string arguments of these calls are column names (`df.drop('Survived', axis=1)`).
export const COLUMN_METHODS = new Set([
  'drop',
  'groupby',
  'sort_values',
  'set_index',
  'pop',
  'nlargest',
  'nsmallest',
  'pivot_table',
  'countplot',
  'barplot',
  'boxplot',
  'distplot',
  'histplot',
  'scatterplot',
  'violinplot',
  'kdeplot',
]);
const SIMPLE = new Set(['expression_statement', 'import_statement', 'import_from_statement', 'delete_statement']);
const COMPOUND = new Set([
  'for_statement',
  'while_statement',
  'if_statement',
  'elif_clause',
  'else_clause',
  'with_statement',
  'try_statement',
  'except_clause',
  'finally_clause',
  'block',
]);

interface Hole {
  start: number;
  end: number;
  text: string;
}

class LineBuilder {
  readonly raw: string[] = [];
  readonly holes: Hole[] = [];
  readonly defines: string[] = [];
  constructor(readonly ctx: MaskContext) {}
  hole(n: SyntaxNode, text: string): void {
    this.holes.push({ start: n.startIndex, end: n.endIndex, text });
  }
}

function stringValue(n: SyntaxNode): string | undefined {
  if (n.type !== 'string') return undefined;
  if (n.namedChildren.some((c) => c.type === 'interpolation')) return undefined;
  const content = n.namedChildren
    .filter((c) => c.type === 'string_content')
    .map((c) => c.text)
    .join('');
  return content;
}

/** `a.b.c` whose base is an identifier: returns the identifier list, else undefined. A loop: chains can be long. */
export function dottedChain(n: SyntaxNode): string[] | undefined {
  const attrs: string[] = [];
  let cur = n;
  while (cur.type === 'attribute') {
    const obj = cur.childForFieldName('object');
    const attr = cur.childForFieldName('attribute');
    if (!obj || !attr) return undefined;
    attrs.push(attr.text);
    cur = obj;
  }
  return cur.type === 'identifier' ? [cur.text, ...attrs.reverse()] : undefined;
}

function literal(n: SyntaxNode, b: LineBuilder, kind: 'c' | 'auto'): void {
  const value = stringValue(n);
  if (value === undefined) return;
  if (PATH_RE.test(value) && value.length < 200 && !/\s/.test(value)) {
    b.ctx.paths.push(value);
    b.hole(n, `${HOLE_OPEN}p:${JSON.stringify(value)}${HOLE_CLOSE}`);
  } else if (kind === 'c' && value.length > 0 && value.length < 80) {
    b.ctx.columns.push(value);
    b.hole(n, `${HOLE_OPEN}c:${JSON.stringify(value)}${HOLE_CLOSE}`);
  }
}

function identifier(n: SyntaxNode, b: LineBuilder): void {
  const name = n.text;
  const lib = b.ctx.aliases.get(name);
  if (lib) {
    b.raw.push(lib);
    b.hole(n, `${HOLE_OPEN}l:${lib}${HOLE_CLOSE}`);
  } else if (BUILTINS.has(name) && !b.ctx.vars.has(name)) {
    b.raw.push(name);
  } else {
    b.raw.push(`@${name}`);
    b.hole(n, `${HOLE_OPEN}v:${name}${HOLE_CLOSE}`);
  }
}

function walk(n: SyntaxNode, b: LineBuilder, columnish = false): void {
  switch (n.type) {
    case 'identifier':
      identifier(n, b);
      return;
    case 'string':
      literal(n, b, columnish ? 'c' : 'auto');
      return;
    case 'comment':
      return;
    case 'attribute': {
      const chain = dottedChain(n);
      const lib = chain && b.ctx.aliases.get(chain[0] ?? '');
      if (chain && lib && !b.ctx.vars.has(chain[0] ?? '')) {
        const dotted = [lib, ...chain.slice(1)].join('.');
        b.raw.push(dotted);
        b.hole(n, `${HOLE_OPEN}l:${dotted}${HOLE_CLOSE}`);
        return;
      }
      // The chain below has the same base, so no inner link is a library call either: walk the base once, then
      // the names outward (a loop, not one call per link: `df.a.a.…` is as deep as it is long).
      const attrs: string[] = [];
      let cur: SyntaxNode | null = n;
      while (cur?.type === 'attribute') {
        const attr = cur.childForFieldName('attribute');
        if (attr) attrs.push(`.${attr.text}`);
        cur = cur.childForFieldName('object');
      }
      if (cur) walk(cur, b);
      for (let i = attrs.length - 1; i >= 0; i--) b.raw.push(attrs[i]!);
      return;
    }
    case 'subscript': {
      const value = n.childForFieldName('value');
      if (value) walk(value, b);
      b.raw.push('[]');
      for (const c of n.childrenForFieldName('subscript')) walk(c, b, true);
      return;
    }
    case 'keyword_argument': {
      const name = n.childForFieldName('name')?.text ?? '';
      const value = n.childForFieldName('value');
      if (value) walk(value, b, COLUMN_KEYWORDS.has(name));
      return;
    }
    case 'list':
    case 'tuple':
    case 'list_splat':
      for (const c of n.namedChildren) walk(c, b, columnish);
      return;
    case 'assignment':
    case 'augmented_assignment': {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left) {
        walk(left, b);
        for (const id of left.descendantsOfType('identifier')) {
          if (left.type === 'attribute' || left.type === 'subscript') break;
          b.defines.push(id.text);
        }
      }
      b.raw.push(n.type === 'assignment' ? '=' : (n.child(1)?.type ?? '+='));
      if (right) walk(right, b);
      return;
    }
    case 'call': {
      const fn = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      if (fn) walk(fn, b);
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
      if (args) for (const c of args.namedChildren) walk(c, b, COLUMN_METHODS.has(method ?? ''));
      return;
    }
    case 'lambda':
      b.raw.push('lambda');
      return;
    default:
      for (const c of n.namedChildren) walk(c, b, columnish);
  }
}

function importLine(n: SyntaxNode, b: LineBuilder): void {
  if (n.type === 'import_statement') {
    for (const c of n.namedChildren) {
      const dotted = c.type === 'aliased_import' ? c.childForFieldName('name')?.text : c.text;
      if (!dotted) continue;
      const alias = c.type === 'aliased_import' ? c.childForFieldName('alias')?.text : dotted.split('.')[0];
      const target = c.type === 'aliased_import' ? dotted : (dotted.split('.')[0] ?? dotted);
      if (alias) {
        b.ctx.aliases.set(alias, target);
        b.defines.push(alias);
      }
      b.raw.push('import', dotted);
    }
    return;
  }
  const module = n.childForFieldName('module_name')?.text;
  if (!module || module.startsWith('.')) return;
  b.raw.push('from', module);
  for (const c of n.childrenForFieldName('name')) {
    const name = c.type === 'aliased_import' ? c.childForFieldName('name')?.text : c.text;
    const alias = c.type === 'aliased_import' ? c.childForFieldName('alias')?.text : name;
    if (!name || !alias) continue;
    b.ctx.aliases.set(alias, `${module}.${name}`);
    b.defines.push(alias);
    b.raw.push(name);
  }
}

function spliceHoles(stmt: SyntaxNode, holes: Hole[]): string {
  const text = stmt.text;
  const base = stmt.startIndex;
  // Outer holes (a whole attribute chain) win over holes nested inside them.
  const sorted = [...holes].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let pos = base;
  for (const h of sorted) {
    if (h.start < pos) continue;
    out += text.slice(pos - base, h.start - base) + h.text;
    pos = h.end;
  }
  return out + text.slice(pos - base);
}

function maskStatement(stmt: SyntaxNode, ctx: MaskContext, cell: number): MaskedLine | undefined {
  const b = new LineBuilder(ctx);
  if (stmt.type === 'import_statement' || stmt.type === 'import_from_statement') {
    importLine(stmt, b);
    return b.raw.length ? { raw: b.raw, template: stmt.text, defines: b.defines, text: stmt.text, cell } : undefined;
  }
  walk(stmt, b);
  for (const d of b.defines) ctx.vars.add(d);
  if (b.raw.length === 0 || stmt.hasError) return undefined;
  return { raw: b.raw, template: spliceHoles(stmt, b.holes), defines: b.defines, text: stmt.text, cell };
}

function bindNames(n: SyntaxNode, ctx: MaskContext): void {
  for (const id of n.descendantsOfType('identifier')) ctx.vars.add(id.text);
}

function collect(node: SyntaxNode, ctx: MaskContext, cell: number, out: MaskedLine[]): void {
  for (const child of node.namedChildren) {
    if (SIMPLE.has(child.type)) {
      const line = maskStatement(child, ctx, cell);
      if (line) out.push(line);
    } else if (child.type === 'function_definition' || child.type === 'class_definition') {
      const name = child.childForFieldName('name');
      if (name) ctx.vars.add(name.text);
    } else if (child.type === 'decorated_definition') {
      const name = child.childForFieldName('definition')?.childForFieldName('name');
      if (name) ctx.vars.add(name.text);
    } else if (COMPOUND.has(child.type)) {
      const left = child.type === 'for_statement' ? child.childForFieldName('left') : undefined;
      if (left) bindNames(left, ctx);
      for (const item of child.descendantsOfType('as_pattern_target')) bindNames(item, ctx);
      collect(child, ctx, cell, out);
    }
  }
}

/** Masks one cell, updating `ctx` (aliases, variables, paths, columns) as the notebook would run. */
export function maskCell(source: string, ctx: MaskContext, cell = 0): MaskedLine[] {
  const out: MaskedLine[] = [];
  collect(parsePython(source).rootNode, ctx, cell, out);
  return out;
}

/** Masks the cells of a notebook in order. */
export function maskNotebook(cells: readonly string[], ctx: MaskContext = emptyContext()): { lines: MaskedLine[]; ctx: MaskContext } {
  const lines: MaskedLine[] = [];
  cells.forEach((src, i) => lines.push(...maskCell(src, ctx, i)));
  return { lines, ctx };
}
