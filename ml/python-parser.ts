// One shared tree-sitter parser for Python cells: labeling functions, masking and badges all parse the same way.
import { createRequire } from 'node:module';
import type TreeSitter from 'tree-sitter';

const require = createRequire(import.meta.url);
const Parser = require('tree-sitter') as typeof TreeSitter;
const Python = require('tree-sitter-python') as TreeSitter.Language;

export type SyntaxNode = TreeSitter.SyntaxNode;
export type Tree = TreeSitter.Tree;

let parser: TreeSitter | undefined;

/**
 * Notebook cells hold IPython syntax (`%magic`, `!shell`) that is not Python; those lines are
 * blanked (keeping line numbers) before parsing so that one magic does not turn the cell into errors.
 */
export function stripIpythonSyntax(source: string): string {
  return source
    .split('\n')
    .map((line) => (/^\s*[%!]/.test(line) ? '' : line))
    .join('\n');
}

/** `%time x = f()`, `%timeit f()`, `%prun f()`: the Python after the magic, in place. */
function unwrapTimed(line: string): string {
  return line.replace(/^(\s*)%(time|timeit|prun)(?=\s+[^\s-])/, (_m, indent: string, name: string) => `${indent} ${' '.repeat(name.length)}`);
}

/** How many brackets a line leaves open, given those open before it; strings and comments are skipped. */
function bracketDepth(line: string, depth: number, quote: { open: string | null }): number {
  let d = depth;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote.open) {
      if (c === '\\') i++;
      else if (line.startsWith(quote.open, i)) {
        i += quote.open.length - 1;
        quote.open = null;
      }
    } else if (c === '#') break;
    else if (c === '"' || c === "'") quote.open = line.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
    else if ('([{'.includes(c)) d++;
    else if (')]}'.includes(c)) d = Math.max(0, d - 1);
    // A one-line string ends with its line, closed or not (the parser reports the error; the depth must not drift).
  }
  if (quote.open?.length === 1) quote.open = null;
  return d;
}

/**
 * Keeps the Python in two kinds of lines that stripIpythonSyntax would blank: `%time x = f()` runs and binds `x`, and a
 * continuation line inside brackets may start with an operator (`"acc: %f"\n    % clf.score(X, y)`), which moves to
 * the end of the line before. Lines keep their numbers. The workflow checks parse through it; parsePython does not
 * apply it, as the stage classifier and the recommender were trained on cells parsed without it.
 */
export function unwrapIpythonLines(source: string): string {
  const lines = source.split('\n').map(unwrapTimed);
  const quote = { open: null as string | null };
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // An operator opening a continuation line moves to the end of the line before, which stays inside the brackets.
    const lead = depth > 0 && !quote.open && i > 0 ? /^(\s*)([%!]=?)/.exec(line) : null;
    if (lead) {
      lines[i - 1] = `${lines[i - 1]} ${lead[2]}`;
      lines[i] = `${lead[1]}${' '.repeat(lead[2]!.length)}${line.slice(lead[0].length)}`;
    }
    depth = bracketDepth(lines[i]!, depth, quote);
  }
  return lines.join('\n');
}

/**
 * Whether `node` is a tuple target: tree-sitter names `a, b = ...` a pattern_list and `(a, b) = ...` a tuple_pattern;
 * `[a, b] = ...`, a list_pattern, counts only with `orList`.
 */
export function isTupleTarget(node: SyntaxNode, orList: boolean): boolean {
  return node.type === 'pattern_list' || node.type === 'tuple_pattern' || (orList && node.type === 'list_pattern');
}

/** Parses a cell's Python source; never throws, tree-sitter recovers from syntax errors. */
/**
 * tree-sitter frees a tree in an N-API finalizer, and Node runs those only when the event loop turns: a synchronous
 * loop over a corpus keeps every tree it parsed (~100 KB each; a pass over the shared corpora grew past 20 GB).
 * Loops that parse many cells await this every few hundred notebooks; requests from the app yield between them anyway.
 */
export function releaseParsedTrees(): Promise<void> {
  return new Promise((done) => setImmediate(done));
}

export function parsePython(source: string): Tree {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Python);
  }
  // tree-sitter's default 32 KiB callback buffer breaks on very long cells; pass an explicit size.
  const text = stripIpythonSyntax(source);
  return parser.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 1024) });
}
