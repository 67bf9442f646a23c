// The metric's `same_code`: two statements are the same code when their syntax trees are (whitespace, quotes, parentheses and comments aside).
import type { SyntaxNode } from '../python-parser.ts';
import { topStatements } from './call-key.ts';

const SKIP = new Set(['(', ')', ',', 'comment', '"', "'", 'string_start', 'string_end']);

function stringValue(n: SyntaxNode): string {
  return n.namedChildren
    .map((c) => (c.type === 'string_content' || c.type === 'escape_sequence' ? c.text : c.type === 'interpolation' ? `{${canonical(c)}}` : ''))
    .join('');
}

function canonical(n: SyntaxNode): string {
  if (n.type === 'parenthesized_expression' && n.namedChildren.length === 1) return canonical(n.namedChildren[0]!);
  if (n.type === 'string') return `str(${JSON.stringify(stringValue(n))})`;
  if (n.type === 'concatenated_string') return `str(${JSON.stringify(n.namedChildren.map(stringValue).join(''))})`;
  if (n.childCount === 0) return n.text;
  const parts: string[] = [];
  for (const c of n.children) if (!SKIP.has(c.type)) parts.push(canonical(c));
  return `${n.type}(${parts.join(' ')})`;
}

/** The statement's canonical form, or null when it does not parse as one or more Python 3 statements. */
export function canonicalCode(text: string): string | null {
  const parsed = topStatements(text.trim());
  if (!parsed || parsed.statements.length === 0) return null;
  return parsed.statements.map((s) => canonical(s.node)).join('\n');
}

export function sameCode(a: string, b: string): boolean {
  const x = canonicalCode(a);
  return x !== null && x === canonicalCode(b);
}
