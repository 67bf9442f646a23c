// Finds the library calls a cell makes (`pd.read_csv` → `pandas.read_csv`), resolving import aliases across a notebook.
import { parsePython, type SyntaxNode } from '../../ml/python-parser.ts';

/** Local name → dotted module path, accumulated over a notebook's cells in order. */
export type AliasMap = Map<string, string>;

const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function recordImport(node: SyntaxNode, aliases: AliasMap): void {
  if (node.type === 'import_statement') {
    for (const child of node.namedChildren) {
      if (child.type === 'dotted_name') {
        // `import a.b` binds `a`, and `a.b.f()` already spells the full path.
        const root = child.text.split('.')[0] as string;
        aliases.set(root, root);
      } else if (child.type === 'aliased_import') {
        const name = child.childForFieldName('name')?.text;
        const alias = child.childForFieldName('alias')?.text;
        if (name && alias) aliases.set(alias, name);
      }
    }
    return;
  }
  // import_from_statement
  const module = node.childForFieldName('module_name');
  if (!module || module.type !== 'dotted_name') return; // relative imports name project files, not libraries
  for (const child of node.childrenForFieldName('name')) {
    if (child.type === 'dotted_name') aliases.set(child.text, `${module.text}.${child.text}`);
    else if (child.type === 'aliased_import') {
      const name = child.childForFieldName('name')?.text;
      const alias = child.childForFieldName('alias')?.text;
      if (name && alias) aliases.set(alias, `${module.text}.${name}`);
    }
  }
}

/** Resolves `pd.read_csv` with {pd: pandas} to `pandas.read_csv`; null for calls on local objects (`df.head`). */
export function resolveCall(callee: string, aliases: AliasMap): string | null {
  if (!DOTTED.test(callee)) return null;
  const dot = callee.indexOf('.');
  const root = dot < 0 ? callee : callee.slice(0, dot);
  const target = aliases.get(root);
  if (!target) return null;
  return dot < 0 ? target : target + callee.slice(dot);
}

const patterns = new WeakMap<AliasMap, { size: number; re: RegExp }>();

/** Matches any imported name used as `name(` or `name.`; aliases only grow, so the size tells when to rebuild. */
function aliasUse(aliases: AliasMap): RegExp {
  let p = patterns.get(aliases);
  if (!p || p.size !== aliases.size) {
    const names = [...aliases.keys()].join('|');
    p = { size: aliases.size, re: new RegExp(`(?<![\\w.])(?:${names})\\s*[.(]`) };
    patterns.set(aliases, p);
  }
  return p.re;
}

/**
 * Scans one cell: updates `aliases` with its imports and returns resolved call names with counts.
 * A cell that neither imports nor mentions an imported name cannot yield a resolved call, so it is
 * not parsed at all: that skips most `df.…` cells and roughly halves import time.
 */
export function scanCell(source: string, aliases: AliasMap): Map<string, number> {
  const calls = new Map<string, number>();
  if (!source.includes('import') && (aliases.size === 0 || !source.includes('(') || !aliasUse(aliases).test(source))) return calls;
  const tree = parsePython(source);
  const nodes = tree.rootNode.descendantsOfType(['import_statement', 'import_from_statement', 'call']);
  // Imports first, so a call in the same cell as its import resolves too.
  for (const n of nodes) if (n.type !== 'call') recordImport(n, aliases);
  for (const n of nodes) {
    if (n.type !== 'call') continue;
    const fn = n.childForFieldName('function');
    if (!fn || (fn.type !== 'identifier' && fn.type !== 'attribute')) continue;
    const name = resolveCall(fn.text, aliases);
    if (name) calls.set(name, (calls.get(name) ?? 0) + 1);
  }
  return calls;
}
