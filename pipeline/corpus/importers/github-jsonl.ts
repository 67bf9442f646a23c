// Imports the JSON-lines shards of the GitHub corpus (one notebook per line, provenance and trimmed outputs).
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { CellInput } from '../types.ts';
import type { ImportSession } from './session.ts';

interface ShardCell {
  type?: unknown;
  source?: unknown;
  outputs?: unknown;
}

interface ShardLine {
  id?: unknown;
  source?: unknown;
  path?: unknown;
  commit?: unknown;
  kernel_lang?: unknown;
  cells?: unknown;
}

function toCells(raw: unknown[]): CellInput[] {
  return raw
    .filter((c): c is ShardCell => typeof c === 'object' && c !== null)
    .map((c) => ({
      type: c.type === 'code' ? 'code' : c.type === 'markdown' ? 'markdown' : 'raw',
      source: typeof c.source === 'string' ? c.source : '',
      outputs: Array.isArray(c.outputs) && c.outputs.length ? (c.outputs as unknown[]) : null,
    }));
}

export function isJsonLines(path: string): boolean {
  return /\.jsonl(\.gz)?$/i.test(path);
}

export async function importJsonLines(path: string, session: ImportSession): Promise<void> {
  const abs = resolve(path);
  const input = createReadStream(abs);
  const stream = abs.toLowerCase().endsWith('.gz') ? input.pipe(createGunzip()) : input;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (!line.trim()) continue;
      const where = `${abs}:${lineNo}`;
      let rec: ShardLine;
      try {
        rec = JSON.parse(line) as ShardLine;
      } catch (e) {
        session.addBad(where, `not-json: ${(e as Error).message}`);
        continue;
      }
      if (typeof rec !== 'object' || rec === null || !Array.isArray(rec.cells)) {
        session.addBad(where, 'not-notebook: no "cells" array');
        continue;
      }
      const repo = typeof rec.source === 'string' ? rec.source : 'unknown';
      const nbPath = typeof rec.path === 'string' ? rec.path : `line-${lineNo}`;
      const id = typeof rec.id === 'string' ? rec.id : `${repo}/${nbPath}`;
      session.add({
        originKey: `jsonl:${id}`,
        ref: `${repo.replace(/^github:/, '')}/${nbPath.replace(/\.ipynb$/i, '')}`,
        sourceSlug: repo,
        title: nbPath.split('/').pop() ?? nbPath,
        language: typeof rec.kernel_lang === 'string' ? rec.kernel_lang : 'python',
        originPath: `${repo}/${nbPath}${typeof rec.commit === 'string' ? `@${rec.commit}` : ''}`,
        cells: toCells(rec.cells),
      });
    }
  } catch (e) {
    session.addBad(abs, `stream error after line ${lineNo}: ${(e as Error).message}`);
  }
}
