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

/** Parses a cell's Python source; never throws, tree-sitter recovers from syntax errors. */
export function parsePython(source: string): Tree {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Python);
  }
  // tree-sitter's default 32 KiB callback buffer breaks on very long cells; pass an explicit size.
  const text = stripIpythonSyntax(source);
  return parser.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 1024) });
}
