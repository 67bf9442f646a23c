// Turns a masked template back into the user's code (their variable names, import aliases, paths and columns) and rejects anything unsafe.
import { parsePython, type SyntaxNode } from '../python-parser.ts';
import { BUILTINS } from './builtins.ts';
import { HOLE_CLOSE, HOLE_OPEN, type MaskContext } from './mask.ts';

const HOLE_RE = new RegExp(`${HOLE_OPEN}([vlpc]):([^${HOLE_CLOSE}]*)${HOLE_CLOSE}`, 'g');

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Shortest spelling of a dotted library name under the user's imports, e.g. pandas.read_csv → pd.read_csv. */
export function renderLibrary(dotted: string, aliases: ReadonlyMap<string, string>): string | undefined {
  let best: { local: string; target: string } | undefined;
  for (const [local, target] of aliases) {
    if (dotted === target || dotted.startsWith(`${target}.`)) {
      if (!best || target.length > best.target.length) best = { local, target };
    }
  }
  return best ? best.local + dotted.slice(best.target.length) : undefined;
}

function fillPath(def: string, paths: readonly string[]): string {
  const last = paths.at(-1);
  if (!last) return def;
  const base = def.split(/[/\\]/).pop() ?? def;
  const same = [...paths].reverse().find((p) => (p.split(/[/\\]/).pop() ?? p) === base);
  if (same) return same;
  const cut = Math.max(last.lastIndexOf('/'), last.lastIndexOf('\\'));
  return cut >= 0 ? last.slice(0, cut + 1) + base : base;
}

/** Fills a template; undefined when a hole cannot be filled from the user's context. */
export function fillTemplate(template: string, names: readonly string[], ctx: MaskContext): string | undefined {
  let failed = false;
  const recentColumns = [...new Set([...ctx.columns].reverse())];
  const columnFor = new Map<string, string>();
  const text = template.replace(HOLE_RE, (_m, kind: string, body: string) => {
    if (kind === 'v') {
      const [idx, def] = body.split(':');
      const name = names[Number(idx)] ?? def;
      if (!name) failed = true;
      return name ?? '';
    }
    if (kind === 'l') {
      const r = renderLibrary(body, ctx.aliases);
      if (!r) failed = true;
      return r ?? '';
    }
    const def = JSON.parse(body) as string;
    if (kind === 'p') return quote(fillPath(def, ctx.paths));
    if (ctx.columns.includes(def)) return quote(def);
    let col = columnFor.get(def);
    if (!col) {
      col = recentColumns[columnFor.size];
      if (col) columnFor.set(def, col);
    }
    if (!col) failed = true;
    return quote(col ?? '');
  });
  return failed ? undefined : text;
}

function hasSyntaxError(n: SyntaxNode): boolean {
  return n.hasError || n.isMissing;
}

function boundNames(root: SyntaxNode): Set<string> {
  const bound = new Set<string>();
  const add = (n: SyntaxNode | null) => n?.descendantsOfType('identifier').forEach((i) => bound.add(i.text));
  for (const n of root.descendantsOfType(['for_in_clause', 'lambda', 'assignment', 'for_statement'])) {
    if (n.type === 'lambda') add(n.childForFieldName('parameters'));
    else {
      const left = n.childForFieldName('left');
      if (left && (n.type !== 'assignment' || (left.type !== 'subscript' && left.type !== 'attribute'))) add(left);
    }
  }
  for (const n of root.descendantsOfType(['import_statement', 'import_from_statement'])) add(n);
  return bound;
}

/** Identifiers the line reads that neither the context, the imports, the builtins nor the line itself define. */
export function undefinedNames(code: string, ctx: MaskContext): string[] {
  const root = parsePython(code).rootNode;
  const bound = boundNames(root);
  const missing: string[] = [];
  for (const id of root.descendantsOfType('identifier')) {
    const parent = id.parent;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.startIndex === id.startIndex) continue;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.startIndex === id.startIndex) continue;
    const name = id.text;
    if (bound.has(name) || BUILTINS.has(name) || ctx.vars.has(name) || ctx.aliases.has(name)) continue;
    missing.push(name);
  }
  return missing;
}

/** True when the code parses cleanly (no ERROR or MISSING node anywhere) as one or more statements. */
export function parsesCleanly(code: string): boolean {
  const root = parsePython(code).rootNode;
  return !hasSyntaxError(root) && root.namedChildCount > 0;
}

/** Template → runnable code in the user's names, or undefined if it would not parse or uses unknown names. */
export function specialize(template: string, names: readonly string[], ctx: MaskContext): string | undefined {
  const code = fillTemplate(template, names, ctx);
  if (code === undefined || !parsesCleanly(code)) return undefined;
  if (undefinedNames(code, ctx).length > 0) return undefined;
  return code;
}
