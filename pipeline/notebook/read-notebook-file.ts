// Reads a notebook file from a crawl as tolerantly as the real mess needs: UTF-8 or Windows-1252,
// `source` as string or list (with nulls), nbformat 3 worksheets or 4.x cells.
import { readFileSync } from 'node:fs';

export interface CorpusCell {
  cellType: 'code' | 'markdown' | 'raw';
  source: string;
  outputs?: unknown[];
}

export interface CorpusNotebook {
  cells: CorpusCell[];
  language: string;
  nbformat: number;
  encoding: 'utf-8' | 'windows-1252';
}

export class NotebookReadError extends Error {
  constructor(
    readonly reason: 'empty' | 'not-json' | 'not-notebook',
    message: string,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const cp1252 = new TextDecoder('windows-1252');

export function joinSource(source: unknown): string {
  if (typeof source === 'string') return source;
  if (Array.isArray(source)) return source.filter((s): s is string => typeof s === 'string').join('');
  return '';
}

function decode(bytes: Buffer): { text: string; encoding: CorpusNotebook['encoding'] } {
  try {
    return { text: utf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: cp1252.decode(bytes), encoding: 'windows-1252' };
  }
}

/** Parses notebook JSON text already in memory (also used for zip entries and JSON-lines shards). */
export function parseNotebookBytes(bytes: Buffer): CorpusNotebook {
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') throw new NotebookReadError('empty', 'file is empty');
  const { text, encoding } = decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new NotebookReadError('not-json', `not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null) throw new NotebookReadError('not-notebook', 'JSON is not an object');
  const nb = json as Record<string, unknown>;
  const meta = (nb.metadata ?? {}) as Record<string, unknown>;
  const langInfo = (meta.language_info ?? {}) as Record<string, unknown>;
  const kernelspec = (meta.kernelspec ?? {}) as Record<string, unknown>;
  const language = String(langInfo.name ?? kernelspec.language ?? 'python').toLowerCase();
  let rawCells: unknown[];
  if (Array.isArray(nb.cells)) rawCells = nb.cells;
  else if (Array.isArray(nb.worksheets)) {
    rawCells = (nb.worksheets as Array<Record<string, unknown>>).flatMap((w) => (Array.isArray(w?.cells) ? w.cells : []));
  } else throw new NotebookReadError('not-notebook', 'no "cells" or "worksheets" array');
  const cells: CorpusCell[] = [];
  for (const raw of rawCells) {
    if (typeof raw !== 'object' || raw === null) continue;
    const c = raw as Record<string, unknown>;
    const type = c.cell_type === 'code' ? 'code' : c.cell_type === 'markdown' || c.cell_type === 'heading' ? 'markdown' : 'raw';
    // nbformat 3 code cells keep their code in `input`.
    const source = joinSource(c.source ?? c.input);
    cells.push(type === 'code' ? { cellType: type, source, outputs: Array.isArray(c.outputs) ? c.outputs : [] } : { cellType: type, source });
  }
  return { cells, language, nbformat: Number(nb.nbformat ?? 4), encoding };
}

export function readNotebookFile(path: string): CorpusNotebook {
  return parseNotebookBytes(readFileSync(path));
}
