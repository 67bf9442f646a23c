// Converts notebook files (nbformat 3 and 4.0–4.5) to the editor's document and back to 4.5, keeping unknown fields.
import { randomUUID } from 'node:crypto';
import type { Cell, NotebookDoc, Output } from '../../preload/contract.ts';

export class NotebookFormatError extends Error {}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const joinText = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) ? v.filter((s) => typeof s === 'string').join('') : '';

const V3_MIME: Record<string, string> = {
  text: 'text/plain', html: 'text/html', svg: 'image/svg+xml', png: 'image/png', jpeg: 'image/jpeg',
  latex: 'text/latex', json: 'application/json', javascript: 'application/javascript', markdown: 'text/markdown',
};

function normalizeMimeBundle(data: unknown): Json {
  if (!isObj(data)) return {};
  const out: Json = {};
  for (const [mime, value] of Object.entries(data)) {
    // JSON mime types hold structured data; everything else is (possibly split) text.
    out[mime] = mime.endsWith('json') && !Array.isArray(value) ? value : Array.isArray(value) ? joinText(value) : value;
  }
  return out;
}

function readOutput(raw: unknown, v3: boolean): Output | null {
  if (!isObj(raw)) return null;
  let o: Json = { ...raw };
  if (v3) {
    const type = o.output_type === 'pyout' ? 'execute_result' : o.output_type === 'pyerr' ? 'error' : o.output_type;
    if (type === 'stream') o = { output_type: 'stream', name: o.stream ?? 'stdout', text: o.text };
    else if (type === 'error') o = { output_type: 'error', ename: o.ename, evalue: o.evalue, traceback: o.traceback ?? [] };
    else {
      const data: Json = {};
      for (const [k, mime] of Object.entries(V3_MIME)) if (k in o) data[mime] = o[k];
      o = { output_type: type, data, metadata: o.metadata ?? {}, ...(type === 'execute_result' ? { execution_count: o.prompt_number ?? null } : {}) };
    }
  }
  const type = o.output_type;
  if (type === 'stream') return { ...o, output_type: 'stream', name: o.name === 'stderr' ? 'stderr' : 'stdout', text: joinText(o.text) };
  if (type === 'error') return { ...o, output_type: 'error', ename: String(o.ename ?? ''), evalue: String(o.evalue ?? ''), traceback: Array.isArray(o.traceback) ? o.traceback.map(String) : [] };
  if (type === 'display_data' || type === 'execute_result' || type === 'update_display_data') {
    return { ...o, output_type: type, data: normalizeMimeBundle(o.data), metadata: isObj(o.metadata) ? o.metadata : {} };
  }
  return null;
}

/** nbformat 4.5 ids: 1–64 of [a-zA-Z0-9-_], unique within the notebook. */
export function newCellId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 12);
}

function validId(v: unknown, seen: Set<string>): string {
  const s = typeof v === 'string' && /^[a-zA-Z0-9_-]{1,64}$/.test(v) && !seen.has(v) ? v : newCellId();
  seen.add(s);
  return s;
}

function readCell(raw: Json, v3: boolean, seen: Set<string>): Cell {
  const { cell_type, source, input, metadata, outputs, execution_count, prompt_number, level, language, id, ...rest } = raw;
  void language;
  let type: Cell['cell_type'] = cell_type === 'code' ? 'code' : cell_type === 'raw' ? 'raw' : 'markdown';
  let text = joinText(v3 && cell_type === 'code' ? input : source);
  if (v3 && cell_type === 'heading') text = `${'#'.repeat(Number(level) || 1)} ${text}`;
  const meta: Json = isObj(metadata) ? metadata : {};
  if (v3 && 'collapsed' in rest) {
    // v3 kept `collapsed` on the cell; v4 only allows it in metadata.
    if (typeof rest.collapsed === 'boolean' && !('collapsed' in meta)) meta.collapsed = rest.collapsed;
    delete rest.collapsed;
  }
  const cell: Cell = { ...rest, id: validId(id, seen), cell_type: type, source: text, metadata: meta };
  if (type === 'code') {
    cell.outputs = (Array.isArray(outputs) ? outputs : []).map((o) => readOutput(o, v3)).filter((o): o is Output => o !== null);
    const count = v3 ? prompt_number : execution_count;
    cell.execution_count = typeof count === 'number' ? count : null;
  }
  return cell;
}

/** Parses file text into a document; throws NotebookFormatError with a clear reason for anything that is not a notebook. */
export function parseNotebook(text: string): NotebookDoc {
  if (text.trim() === '') throw new NotebookFormatError('the file is empty');
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new NotebookFormatError(`the file is not valid JSON (${(e as Error).message})`);
  }
  if (!isObj(json)) throw new NotebookFormatError('the file is JSON but not a notebook object');
  const major = Number(json.nbformat);
  const seen = new Set<string>();
  if (major === 3 || (Array.isArray(json.worksheets) && !Array.isArray(json.cells))) {
    const sheets = Array.isArray(json.worksheets) ? json.worksheets : [];
    const cells = sheets.flatMap((w) => (isObj(w) && Array.isArray(w.cells) ? w.cells : [])).filter(isObj);
    const { worksheets, nbformat, nbformat_minor, metadata, ...rest } = json;
    void worksheets; void nbformat; void nbformat_minor;
    return { ...rest, cells: cells.map((c) => readCell(c, true, seen)), metadata: isObj(metadata) ? metadata : {}, nbformat: 4, nbformat_minor: 5 };
  }
  if (major !== 4 || !Array.isArray(json.cells)) throw new NotebookFormatError(`unsupported notebook format (nbformat ${String(json.nbformat)})`);
  const { cells, metadata, nbformat, nbformat_minor, ...rest } = json;
  void nbformat;
  return {
    ...rest,
    cells: (cells as unknown[]).filter(isObj).map((c) => readCell(c, false, seen)),
    metadata: isObj(metadata) ? metadata : {},
    nbformat: 4,
    nbformat_minor: typeof nbformat_minor === 'number' ? nbformat_minor : 0,
  };
}

/** nbformat stores multi-line strings as lists of lines that keep their newlines. */
export function splitLines(text: string): string[] {
  return text === '' ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
}

function writeOutput(o: Output): Json {
  const out: Json = { ...o };
  if (o.output_type === 'stream') out.text = splitLines(String(o.text ?? ''));
  if (isObj(o.data)) {
    const data: Json = {};
    for (const [mime, v] of Object.entries(o.data)) data[mime] = typeof v === 'string' && !mime.startsWith('image/png') && !mime.startsWith('image/jpeg') ? splitLines(v) : v;
    out.data = data;
  }
  delete out.transient; // display ids are session state, not part of the saved notebook
  if (o.output_type === 'update_display_data') out.output_type = 'display_data';
  return out;
}

/** Serializes to nbformat 4.5 (cell ids required), the layout Jupyter itself writes: 1-space indent, trailing newline. */
export function serializeNotebook(doc: NotebookDoc): string {
  const seen = new Set<string>();
  const cells = doc.cells.map((c) => {
    const { id, cell_type, source, metadata, outputs, execution_count, ...rest } = c;
    const cell: Json = { ...rest, cell_type, id: validId(id, seen), metadata, source: splitLines(source) };
    if (cell_type === 'code') {
      cell.execution_count = execution_count ?? null;
      cell.outputs = (outputs ?? []).map((o) => writeOutput(o as Output));
    } else {
      delete cell.outputs;
      delete cell.execution_count;
    }
    return cell;
  });
  const minor = Math.max(5, doc.nbformat_minor);
  return `${JSON.stringify({ ...doc, cells, metadata: doc.metadata, nbformat: 4, nbformat_minor: minor }, null, 1)}\n`;
}

export function emptyNotebook(): NotebookDoc {
  return {
    cells: [{ id: newCellId(), cell_type: 'code', source: '', metadata: {}, outputs: [], execution_count: null }],
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: 'python' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}
