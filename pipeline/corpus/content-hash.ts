// Content identity of a notebook: forks and copies with the same code get the same hash.
import { createHash } from 'node:crypto';
import type { CellInput } from './types.ts';

/**
 * sha1 of the stripped source of every non-empty code cell, joined with `\n`: the same definition as
 * the `id` of the GitHub corpus shards, so hashes agree across importers.
 */
export function contentHash(cells: readonly CellInput[]): { hash: string; hasCode: boolean } {
  const parts: string[] = [];
  for (const c of cells) {
    if (c.type !== 'code') continue;
    const s = c.source.trim();
    if (s) parts.push(s);
  }
  return { hash: createHash('sha1').update(parts.join('\n')).digest('hex'), hasCode: parts.length > 0 };
}
