// Reads notebook files of every nbformat version as Jupyter's nbformat reads them and writes them back without loss:
// unknown and future cell and output types travel verbatim, unedited cells are written back as they were, nbformat 2
// and 3 convert as nbformat converts them, and whatever nbformat would reject is reported instead of repaired.
import { createHash, randomUUID } from 'node:crypto';
import type { Cell, NotebookDoc, Output } from '../../preload/contract.ts';
import { coalesce, toText, type ByteParts } from './byte-parts.ts';

export class NotebookFormatError extends Error {}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const joinText = (v: unknown): string => (typeof v === 'string' ? v : isStrArray(v) ? v.join('') : '');
const ID_RE = /^[a-zA-Z0-9_-]{1,64}$/;
const JSON_MIME = /^application\/(.*\+)?json$/;
/** A type name from the file may be shown to the user only when it is short and plain. */
const plainName = (v: unknown): string | null => (typeof v === 'string' && /^[\w .:+/-]{1,40}$/.test(v) ? v : null);

/**
 * The key under which a cell or output the editor cannot represent (a future or unknown type, a malformed entry)
 * carries its original JSON; the writer puts that JSON back exactly as it was.
 */
export const VERBATIM = 'gds:verbatim';

export interface NotebookRead {
  /** The editor's document: nbformat 4, multi-line strings joined, every field of the file kept. */
  doc: NotebookDoc;
  /** The version the file declares. */
  version: { major: number; minor: number };
  /** 2 or 3 when the file is an old format: `doc` is nbformat's own conversion, and saving over the file needs consent. */
  convertedFrom: number | null;
  /** Why nbformat would reject the file (schema violations, duplicate ids, a failed conversion); empty when it is valid. */
  problems: string[];
}

/** nbformat 4.5 ids: 1–64 of [a-zA-Z0-9-_], unique within the notebook. */
export function newCellId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 12);
}

/** The same file always gets the same ids for cells without one, so an unedited notebook reads back equal. */
function idMaker(text: string): (index: number, taken: Set<string>) => string {
  let seed: string | null = null;
  return (index, taken) => {
    seed ??= createHash('sha1').update(text).digest('hex').slice(0, 16);
    for (let k = 0; ; k++) {
      const id = createHash('sha1').update(`${seed}:${index}:${k}`).digest('hex').slice(0, 8);
      if (!taken.has(id)) return (taken.add(id), id);
    }
  };
}

/* ------------------------------------------------------------------------------------------------ reading */

function placeholderText(raw: unknown): string {
  const type = plainName(isObj(raw) ? raw.cell_type : undefined);
  return `[A cell${type ? ` of type "${type}"` : ''} that this app cannot edit. It is written back exactly as it is in the file.]`;
}

function placeholderCell(raw: unknown, id: string): Cell {
  return { id, cell_type: 'raw', source: placeholderText(raw), metadata: {}, [VERBATIM]: raw };
}

/** A placeholder cell still as it was read: written back verbatim. Edited (or retyped) by the user, it is the user's cell. */
function isVerbatimCell(c: Cell): boolean {
  return VERBATIM in c && c.cell_type === 'raw' && c.source === placeholderText(c[VERBATIM]);
}

function placeholderOutput(raw: unknown): Output {
  const type = plainName(isObj(raw) ? raw.output_type : undefined);
  const text = `[An output${type ? ` of type "${type}"` : ''} that this app cannot show. It is written back exactly as it is in the file.]`;
  return { output_type: 'display_data', data: { 'text/plain': text }, metadata: {}, [VERBATIM]: raw };
}

/** As nbformat's `rejoin_lines`: lists of strings become one string, except under JSON mime types. */
function rejoinBundle(data: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(data)) out[k] = !JSON_MIME.test(k) && isStrArray(v) ? v.join('') : v;
  return out;
}

function readOutput(raw: unknown): Output {
  if (!isObj(raw) || VERBATIM in raw) return placeholderOutput(raw);
  const type = raw.output_type;
  if (type === 'stream' && typeof raw.name === 'string' && (typeof raw.text === 'string' || isStrArray(raw.text))) {
    return { ...raw, output_type: 'stream', text: joinText(raw.text) };
  }
  if ((type === 'display_data' || type === 'execute_result') && isObj(raw.data) && isObj(raw.metadata)) {
    return { ...raw, output_type: type, data: rejoinBundle(raw.data) };
  }
  if (type === 'error' && typeof raw.ename === 'string' && typeof raw.evalue === 'string' && isStrArray(raw.traceback)) {
    return { ...raw, output_type: 'error' };
  }
  return placeholderOutput(raw);
}

function readCell(raw: unknown, id: string): Cell {
  if (!isObj(raw) || VERBATIM in raw) return placeholderCell(raw, id);
  const { cell_type: type, source, metadata, outputs, execution_count: count } = raw;
  const plain = (source === undefined || typeof source === 'string' || isStrArray(source)) && (metadata === undefined || isObj(metadata));
  if (!plain || (type !== 'code' && type !== 'markdown' && type !== 'raw')) return placeholderCell(raw, id);
  if (type !== 'code') {
    if ('outputs' in raw || 'execution_count' in raw) return placeholderCell(raw, id);
    return { ...raw, id, cell_type: type, source: joinText(source), metadata: metadata ?? {} };
  }
  if (!(outputs === undefined || Array.isArray(outputs)) || !(count === undefined || count === null || isInt(count))) return placeholderCell(raw, id);
  return {
    ...raw,
    id,
    cell_type: 'code',
    source: joinText(source),
    metadata: metadata ?? {},
    outputs: (outputs ?? []).map(readOutput),
    execution_count: count ?? null,
  };
}

function readV4(nb: Json, nextId: (index: number, taken: Set<string>) => string): NotebookDoc {
  const raws = nb.cells as unknown[];
  const taken = new Set<string>();
  // The file's ids first (valid and unique ones), so a generated id never takes one the file uses.
  const kept = raws.map((c) => {
    const id = isObj(c) && typeof c.id === 'string' && ID_RE.test(c.id) && !taken.has(c.id) ? c.id : null;
    if (id) taken.add(id);
    return id;
  });
  const cells = raws.map((c, i) => readCell(c, kept[i] ?? nextId(i, taken)));
  const { cells: _cells, metadata, nbformat: _major, nbformat_minor: minor, ...rest } = nb;
  return { ...rest, cells, metadata: isObj(metadata) ? metadata : {}, nbformat: 4, nbformat_minor: isInt(minor) && minor >= 0 ? minor : 0 };
}

/* --------------------------------------------------------------------------------- nbformat 2/3 → 4 */

const V3_MULTILINE = ['text', 'html', 'svg', 'latex', 'javascript', 'json'];
const V3_MIME: Array<[string, string]> = [
  ['text', 'text/plain'],
  ['html', 'text/html'],
  ['svg', 'image/svg+xml'],
  ['png', 'image/png'],
  ['jpeg', 'image/jpeg'],
  ['latex', 'text/latex'],
  ['json', 'application/json'],
  ['javascript', 'application/javascript'],
];

/** Python's `str.splitlines()` line ends. */
const LINE_END = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

function pySplitLines(s: string): string[] {
  const parts = s.split(LINE_END);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return s === '' ? [] : parts;
}

/** nbformat 2 stored lines without their ends; nbformat 3 either way (v3 `_join_lines`). */
function rejoinLegacy(nb: Json, major: number, problems: string[]): void {
  const join = (lines: string[]) => (major === 3 && lines[0] !== undefined && /[\n\r]$/.test(lines[0]) ? lines.join('') : lines.join('\n'));
  const rejoin = (o: Json, key: string) => {
    const v = o[key];
    if (Array.isArray(v)) {
      if (isStrArray(v)) o[key] = join(v);
      else problems.push('a multi-line text holds something other than text');
    }
  };
  for (const ws of nb.worksheets as unknown[]) {
    if (!isObj(ws) || !Array.isArray(ws.cells)) continue;
    for (const cell of ws.cells) {
      if (!isObj(cell)) continue;
      if (cell.cell_type === 'code') {
        rejoin(cell, 'input');
        for (const out of Array.isArray(cell.outputs) ? cell.outputs : []) if (isObj(out)) for (const k of V3_MULTILINE) rejoin(out, k);
      } else {
        rejoin(cell, 'source');
        rejoin(cell, 'rendered');
      }
    }
  }
}

function upgradeOutput(raw: unknown, problems: string[]): unknown {
  if (!isObj(raw)) return raw;
  const o: Json = { ...raw };
  if (o.output_type === 'pyout' || o.output_type === 'display_data') {
    if (!('metadata' in o)) o.metadata = {};
    if (o.output_type === 'pyout') {
      o.output_type = 'execute_result';
      o.execution_count = 'prompt_number' in o ? o.prompt_number : null;
      delete o.prompt_number;
    }
    const data: Json = {};
    for (const key of Object.keys(o)) {
      if (key === 'output_type' || key === 'execution_count' || key === 'metadata') continue;
      data[key] = o[key];
      delete o[key];
    }
    const toMime = (d: Json) => {
      for (const [alias, mime] of V3_MIME) {
        if (alias in d) {
          const v = d[alias];
          delete d[alias];
          d[mime] = v;
        }
      }
    };
    toMime(data);
    if (isObj(o.metadata)) toMime(o.metadata);
    else problems.push('an output has metadata that is not an object');
    if ('application/json' in data) {
      try {
        data['application/json'] = JSON.parse(String(data['application/json']));
      } catch {
        problems.push('an output holds JSON data that is not valid JSON');
      }
    }
    o.data = data;
  } else if (o.output_type === 'pyerr') {
    o.output_type = 'error';
  } else if (o.output_type === 'stream') {
    o.name = 'stream' in o ? o.stream : 'stdout';
    delete o.stream;
  }
  return o;
}

function upgradeCell(raw: unknown, id: string, problems: string[]): unknown {
  if (!isObj(raw)) return raw;
  const c: Json = { ...raw };
  if (!('metadata' in c)) c.metadata = {};
  c.id = id;
  if (c.cell_type === 'code') {
    delete c.language;
    if ('collapsed' in c) {
      if (isObj(c.metadata)) c.metadata = { ...c.metadata, collapsed: c.collapsed };
      delete c.collapsed;
    }
    c.source = 'input' in c ? c.input : '';
    delete c.input;
    c.execution_count = 'prompt_number' in c ? c.prompt_number : null;
    delete c.prompt_number;
    if (!Array.isArray(c.outputs)) {
      problems.push('a code cell has no list of outputs');
      c.outputs = [];
    }
    c.outputs = (c.outputs as unknown[]).map((o) => upgradeOutput(o, problems));
  } else if (c.cell_type === 'heading') {
    c.cell_type = 'markdown';
    const level = 'level' in c ? c.level : 1;
    delete c.level;
    if (!isInt(level)) problems.push('a heading cell has a level that is not a number');
    const text = typeof c.source === 'string' ? c.source : '';
    c.source = `${'#'.repeat(isInt(level) ? Math.max(0, level) : 1)} ${pySplitLines(text).join(' ')}`;
  } else if (c.cell_type === 'html') {
    c.cell_type = 'markdown';
  }
  return c;
}

/** nbformat's `reads(text, as_version=4)` for nbformat 2 and 3 (v2 → v3 → v4), with each of its failures as a problem. */
function convertLegacy(nb: Json, major: number, nextId: (index: number, taken: Set<string>) => string, problems: string[]): Json {
  rejoinLegacy(nb, major, problems);
  if (major === 2) {
    nb.nbformat = 3;
    nb.nbformat_minor = 0;
    nb.orig_nbformat = 2;
    for (const ws of nb.worksheets as unknown[]) {
      if (isObj(ws) && Array.isArray(ws.cells)) for (const c of ws.cells) if (isObj(c) && !('metadata' in c)) c.metadata = {};
    }
  } else {
    // v3 strip_transient
    delete nb.orig_nbformat;
    delete nb.orig_nbformat_minor;
    for (const ws of nb.worksheets as unknown[]) {
      if (!isObj(ws) || !Array.isArray(ws.cells)) continue;
      for (const c of ws.cells) {
        if (!isObj(c)) continue;
        if (isObj(c.metadata)) delete c.metadata.trusted;
        delete c.trusted;
      }
    }
    if (!('nbformat_minor' in nb)) problems.push('the notebook has no "nbformat_minor", which nbformat needs to convert it');
  }
  if (!isObj(nb.metadata)) {
    problems.push(`the notebook has no "metadata" object, which nbformat needs to convert format ${major}`);
    nb.metadata = {};
  }
  // nbformat's upgrade also records orig_nbformat in the metadata, but its writer strips that again: this is what Jupyter saves.
  const metadata: Json = { ...(nb.metadata as Json) };
  delete metadata.name;
  delete metadata.signature;
  delete metadata.orig_nbformat;
  delete metadata.orig_nbformat_minor;
  const rawCells: unknown[] = [];
  for (const ws of nb.worksheets as unknown[]) {
    if (isObj(ws) && Array.isArray(ws.cells)) rawCells.push(...ws.cells);
    else problems.push('a worksheet has no list of cells');
  }
  const taken = new Set<string>();
  const cells = rawCells.map((c, i) => {
    if (!isObj(c)) problems.push(`cell ${i + 1} is not an object`);
    return upgradeCell(c, nextId(i, taken), problems);
  });
  const { worksheets: _ws, orig_nbformat: _o, orig_nbformat_minor: _om, metadata: _m, nbformat: _n, nbformat_minor: _nm, ...rest } = nb;
  return { ...rest, metadata, nbformat: 4, nbformat_minor: 5, cells };
}

/* ------------------------------------------------------------------------------------------- validation */

const TOP_KEYS = new Set(['metadata', 'nbformat_minor', 'nbformat', 'cells']);
const CELL_KEYS: Record<string, Set<string>> = {
  raw: new Set(['id', 'cell_type', 'metadata', 'attachments', 'source']),
  markdown: new Set(['id', 'cell_type', 'metadata', 'attachments', 'source']),
  code: new Set(['id', 'cell_type', 'metadata', 'source', 'outputs', 'execution_count']),
};
const OUTPUT_KEYS: Record<string, string[]> = {
  execute_result: ['output_type', 'execution_count', 'data', 'metadata'],
  display_data: ['output_type', 'data', 'metadata'],
  stream: ['output_type', 'name', 'text'],
  error: ['output_type', 'ename', 'evalue', 'traceback'],
};
const MAX_PROBLEMS = 20;

const isMultiline = (v: unknown) => typeof v === 'string' || isStrArray(v);
const isCount = (v: unknown) => v === null || (isInt(v) && v >= 0);
const isBundle = (v: unknown) => isObj(v) && Object.entries(v).every(([k, x]) => JSON_MIME.test(k) || isMultiline(x));

/**
 * The checks of nbformat's JSON schema for format 4.`minor` (4.0–4.5; later minors: the 4.5 schema relaxed the way
 * nbformat relaxes it for notebooks from the future), plus its unique-id rule. Messages name places, never content.
 */
export function validateV4(nb: Json, problems: string[] = []): string[] {
  const minor = isInt(nb.nbformat_minor) ? nb.nbformat_minor : 0;
  const future = minor > 5;
  const v = Math.min(minor, 5);
  const add = (m: string) => void (problems.length < MAX_PROBLEMS && !problems.includes(m) && problems.push(m));
  if (!future && Object.keys(nb).some((k) => !TOP_KEYS.has(k))) add(`the notebook has a top-level field that format 4.${v} does not allow`);
  if (!('nbformat_minor' in nb)) add('the notebook has no "nbformat_minor"');
  else if (!isInt(nb.nbformat_minor) || nb.nbformat_minor < 0) add('"nbformat_minor" is not a whole number');
  if (nb.nbformat !== 4) add('"nbformat" is not 4');
  if (!('metadata' in nb)) add('the notebook has no "metadata"');
  else if (!isObj(nb.metadata)) add('the notebook\'s "metadata" is not an object');
  else {
    const m = nb.metadata;
    const ks = m.kernelspec;
    if ('kernelspec' in m && !(isObj(ks) && typeof ks.name === 'string' && typeof ks.display_name === 'string'))
      add('"metadata.kernelspec" needs a text "name" and "display_name"');
    const li = m.language_info;
    if (
      'language_info' in m &&
      !(
        isObj(li) &&
        typeof li.name === 'string' &&
        (li.codemirror_mode === undefined || typeof li.codemirror_mode === 'string' || isObj(li.codemirror_mode)) &&
        ['file_extension', 'mimetype', 'pygments_lexer'].every((k) => li[k] === undefined || typeof li[k] === 'string')
      )
    )
      add('"metadata.language_info" does not have the form the notebook format requires');
    if (v >= 2 && 'title' in m && typeof m.title !== 'string') add('"metadata.title" is not text');
    if (v >= 2 && 'authors' in m && !Array.isArray(m.authors)) add('"metadata.authors" is not a list');
  }
  const cells = Array.isArray(nb.cells) ? nb.cells : [];
  if (!Array.isArray(nb.cells)) add('the notebook has no list of "cells"');
  const seenIds = new Map<string, number>();
  cells.forEach((c: unknown, i: number) => {
    const where = `cell ${i + 1}`;
    if (!isObj(c)) return add(`${where} is not an object`);
    const type = c.cell_type;
    const known = type === 'code' || type === 'markdown' || type === 'raw';
    if (!known) {
      if (!future)
        return add(
          type === 'heading' ? `${where} is a "heading" cell, which only format 3 has` : `${where} has a cell type that format 4.${v} does not know`,
        );
      if (!isObj(c.metadata)) add(`${where} has no "metadata" object`);
      return;
    }
    if (!future) {
      const allowed = CELL_KEYS[type]!;
      for (const k of Object.keys(c)) {
        if (k === 'id' && v < 5) add(`${where} has an "id", which only format 4.5 and later have`);
        else if (!allowed.has(k)) add(`${where} has a field that a ${type} cell may not have`);
      }
    }
    if (v >= 5) {
      if (!('id' in c)) add(`${where} has no "id"`);
      else if (typeof c.id !== 'string' || !ID_RE.test(c.id)) add(`${where} has an invalid "id"`);
      else if (seenIds.has(c.id)) add(`cells ${seenIds.get(c.id)! + 1} and ${i + 1} have the same id`);
      else seenIds.set(c.id, i);
    }
    if (!('source' in c)) add(`${where} has no "source"`);
    else if (!isMultiline(c.source)) add(`${where} has a "source" that is not text`);
    if (!('metadata' in c)) add(`${where} has no "metadata"`);
    else if (!isObj(c.metadata)) add(`${where} has "metadata" that is not an object`);
    else {
      const m = c.metadata;
      if ('name' in m && !(typeof m.name === 'string' && /^.+$/.test(m.name))) add(`${where}: "metadata.name" is not a one-line text`);
      if ('tags' in m && !(isStrArray(m.tags) && new Set(m.tags).size === m.tags.length && m.tags.every((t) => /^[^,]+$/.test(t))))
        add(`${where}: "metadata.tags" is not a list of distinct tags without commas`);
      if (v >= 3 && 'jupyter' in m && !isObj(m.jupyter)) add(`${where}: "metadata.jupyter" is not an object`);
      if (type === 'raw' && 'format' in m && typeof m.format !== 'string') add(`${where}: "metadata.format" is not text`);
      if (type === 'code') {
        if ('collapsed' in m && typeof m.collapsed !== 'boolean') add(`${where}: "metadata.collapsed" is not true or false`);
        if ('scrolled' in m && m.scrolled !== true && m.scrolled !== false && m.scrolled !== 'auto')
          add(`${where}: "metadata.scrolled" is not true, false or "auto"`);
        if (v >= 4 && 'execution' in m && !(isObj(m.execution) && Object.values(m.execution).every((x) => typeof x === 'string')))
          add(`${where}: "metadata.execution" is not a set of time stamps`);
      }
    }
    if (type !== 'code') {
      if ('attachments' in c && !(isObj(c.attachments) && Object.values(c.attachments).every(isBundle)))
        add(`${where} has "attachments" that are not mime bundles`);
      return;
    }
    if (!('execution_count' in c)) add(`${where} has no "execution_count"`);
    else if (!isCount(c.execution_count)) add(`${where} has an "execution_count" that is not a whole number or null`);
    if (!('outputs' in c)) return add(`${where} has no "outputs"`);
    if (!Array.isArray(c.outputs)) return add(`${where} has "outputs" that are not a list`);
    c.outputs.forEach((o: unknown, j: number) => {
      const at = `${where}, output ${j + 1}`;
      if (!isObj(o)) return add(`${at} is not an object`);
      const keys = typeof o.output_type === 'string' && Object.hasOwn(OUTPUT_KEYS, o.output_type) ? OUTPUT_KEYS[o.output_type] : undefined;
      if (!keys) {
        if (!future || !('output_type' in o)) add(`${at} has an output type that format 4.${v} does not know`);
        return;
      }
      for (const k of keys) if (!(k in o)) add(`${at} has no "${k}"`);
      if (!future && Object.keys(o).some((k) => !keys.includes(k))) add(`${at} has a field that a ${String(o.output_type)} output may not have`);
      if ('data' in o && !isBundle(o.data)) add(`${at} has "data" that is not a mime bundle`);
      if ('metadata' in o && !isObj(o.metadata)) add(`${at} has "metadata" that is not an object`);
      if ('execution_count' in o && !isCount(o.execution_count)) add(`${at} has an "execution_count" that is not a whole number or null`);
      if (o.output_type === 'stream' && (('name' in o && typeof o.name !== 'string') || ('text' in o && !isMultiline(o.text))))
        add(`${at} is a stream without a text "name" and "text"`);
      if (
        o.output_type === 'error' &&
        (('ename' in o && typeof o.ename !== 'string') ||
          ('evalue' in o && typeof o.evalue !== 'string') ||
          ('traceback' in o && !isStrArray(o.traceback)))
      ) {
        add(`${at} is an error without text "ename", "evalue" and "traceback"`);
      }
    });
  });
  return problems;
}

/* ------------------------------------------------------------------------------------------- the entry points */

/** Where a JSON text first goes wrong, as "line L, column C", never quoting the text. */
export function describeJsonError(text: string): string {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const str = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail();
      if (c !== 0x5c) i++;
      else if (text[i + 1] === 'u') /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)) ? (i += 6) : fail();
      else if ('"\\/bfnrt'.includes(text[i + 1] ?? 'x')) i += 2;
      else fail();
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (ch === '{') {
          ws();
          if (text[i] !== '"') fail();
          str();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    }
    if (ch === '"') return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 1000));
    if (!m) fail();
    i += m![0].length;
  };
  let at = -1;
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (e) {
    if (typeof e === 'number') at = e;
  }
  if (at < 0) return 'the file is not valid JSON';
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return `the file is not valid JSON: ${at >= text.length ? 'it ends too early' : 'unexpected character'} at line ${line}, column ${column}`;
}

/** Decodes file bytes as UTF-8; bytes that are not UTF-8 are replaced for display and reported by offset. */
export function decodeNotebookBytes(bytes: Uint8Array): { text: string; invalidUtf8At: number | null } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), invalidUtf8At: null };
  } catch {
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), invalidUtf8At: firstInvalidUtf8(bytes) };
  }
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0) return i;
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return 0;
}

/** Reads file text; throws NotebookFormatError (naming the problem, never quoting the file) for anything that is not a notebook. */
export function readNotebook(text: string): NotebookRead {
  const problems: string[] = [];
  let body = text;
  if (body.charCodeAt(0) === 0xfeff) {
    problems.push('the file starts with a byte order mark, which Jupyter cannot read');
    body = body.slice(1);
  }
  if (body.trim() === '') throw new NotebookFormatError('the file is empty');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new NotebookFormatError(describeJsonError(body));
  }
  if (!isObj(json)) throw new NotebookFormatError('the file is JSON but not a notebook object');
  const nextId = idMaker(text);
  const declared = json.nbformat;
  const major = isInt(declared) ? declared : Array.isArray(json.worksheets) && !Array.isArray(json.cells) ? 3 : null;
  const minor = isInt(json.nbformat_minor) ? json.nbformat_minor : 0;
  if ((major === 2 || major === 3) && Array.isArray(json.worksheets)) {
    if (declared === undefined) problems.push('the notebook does not say which format it is in');
    const converted = convertLegacy(json, major, nextId, problems);
    validateV4(converted, problems);
    return { doc: readV4(converted, nextId), version: { major, minor }, convertedFrom: major, problems };
  }
  if (major === 4 && !Array.isArray(json.cells)) throw new NotebookFormatError('it says it is a format 4 notebook but has no list of "cells"');
  if ((major === 2 || major === 3) && !Array.isArray(json.worksheets))
    throw new NotebookFormatError(`it says it is a format ${major} notebook but has no list of "worksheets"`);
  if (major !== 4) {
    const named = isInt(declared) && Math.abs(declared) < 1000 ? ` (nbformat ${declared})` : '';
    throw new NotebookFormatError(`unsupported notebook format${named}`);
  }
  validateV4(json, problems);
  const read: NotebookRead = { doc: readV4(json, nextId), version: { major, minor }, convertedFrom: null, problems };
  // The first save merges with this parse instead of parsing the text again (readV4 copies, never mutates).
  written.set(read, { json });
  return read;
}

/** Parses file text into the editor's document (see readNotebook). */
export function parseNotebook(text: string): NotebookDoc {
  return readNotebook(text).doc;
}

/** Deep equality of JSON values; key order does not matter, a key holding `undefined` counts as absent. */
export function docsEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => docsEqual(x, bb[i]));
  }
  const ao = a as Json;
  const bo = b as Json;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(bo, k) && docsEqual(ao[k], bo[k]));
}

/* ------------------------------------------------------------------------------------------------ writing */

/** Python's `str.splitlines(True)`, which nbformat uses to store multi-line strings as lists of lines. */
export function splitLines(text: string): string[] {
  return text === ''
    ? []
    : (text.match(
        /[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])|[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+$/g,
      ) ?? []);
}

/** nbformat's `_split_mimebundle`: only text/*, JavaScript and SVG are stored as lists of lines. */
function splitBundle(data: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(data))
    out[k] = typeof v === 'string' && (k.startsWith('text/') || k === 'application/javascript' || k === 'image/svg+xml') ? splitLines(v) : v;
  return out;
}

function writeOutput(o: Output): unknown {
  if (VERBATIM in o) return o[VERBATIM];
  const { transient: _transient, ...rest } = o; // display ids are session state, not part of the saved notebook
  const out: Json = { ...rest };
  if (o.output_type === 'update_display_data') out.output_type = 'display_data';
  if (o.output_type === 'stream' && typeof o.text === 'string') out.text = splitLines(o.text);
  if (isObj(o.data)) out.data = splitBundle(o.data);
  return out;
}

function writeCell(c: Cell, id: string | null): unknown {
  if (isVerbatimCell(c)) return c[VERBATIM];
  const { id: _id, cell_type, source, metadata, outputs, execution_count, [VERBATIM]: _v, ...rest } = c;
  const cell: Json = { ...rest, cell_type, metadata, source: splitLines(source) };
  if (id !== null) cell.id = id;
  if (cell_type === 'code') {
    cell.execution_count = execution_count ?? null;
    cell.outputs = (outputs ?? []).map((o) => writeOutput(o as Output));
  }
  return cell;
}

/** The ids to write, aligned with `doc.cells`: none before format 4.5, else unique valid ones. */
function idsToWrite(doc: NotebookDoc): Array<string | null> {
  if (doc.nbformat_minor < 5) return doc.cells.map(() => null);
  const seen = new Set<string>();
  return doc.cells.map((c) => {
    const id = ID_RE.test(c.id) && !seen.has(c.id) ? c.id : newCellId();
    seen.add(id);
    return id;
  });
}

/** The notebook as JSON values; `cells` (aligned with `doc.cells`) when the caller made them already. */
function buildJson(doc: NotebookDoc, cells?: unknown[]): Json {
  const ids = cells ? [] : idsToWrite(doc);
  const { cells: _cells, metadata, nbformat: _n, nbformat_minor, ...rest } = doc;
  return { ...rest, cells: cells ?? doc.cells.map((c, i) => writeCell(c, ids[i]!)), metadata, nbformat: 4, nbformat_minor };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  const out: Json = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

/** The original's keys in the original's order (values from `pick`), then the new ones sorted, as nbformat writes them. */
function mergeObject(original: Json, fresh: Json, pick: (key: string) => unknown): Json {
  const out: Json = {};
  for (const k of Object.keys(original)) if (Object.hasOwn(fresh, k)) out[k] = pick(k);
  for (const k of Object.keys(fresh).sort()) if (!Object.hasOwn(original, k)) out[k] = sortKeys(fresh[k]);
  return out;
}

/** `spaced`: a file on one line written by Python's json.dumps, with its ", " and ": " separators. */
export interface Style {
  indent: string;
  eol: string;
  finalEol: boolean;
  ascii: boolean;
  spaced: boolean;
}
/** What nbformat writes: 1-space indent, no escapes beyond JSON's own, a final newline. */
const NBFORMAT_STYLE: Style = { indent: ' ', eol: '\n', finalEol: true, ascii: false, spaced: false };

function detectStyle(text: string): Style {
  const m = /^\uFEFF?[ \t\r\n]*[{[](\r?\n)([ \t]*)\S/.exec(text);
  return {
    indent: m ? m[2] || ' ' : '',
    eol: m?.[1] ?? '\n',
    finalEol: /\n$/.test(text),
    // Older writers escaped every non-ASCII character; keep doing so for such files.
    ascii: !/[^\x00-\x7f]/.test(text) && /\\u(?:00[89a-fA-F][0-9a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-fA-F][0-9a-fA-F]{3})/.test(text),
    spaced: !m && /^\uFEFF?[ \t\r\n]*\{[ \t\r\n]*"(?:[^"\\]|\\.)*": /.test(text),
  };
}

function stringifySpaced(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stringifySpaced).join(', ')}]`;
  if (isObj(v))
    return `{${Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${JSON.stringify(k)}: ${stringifySpaced(x)}`)
      .join(', ')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** Escapes of older writers and the file's own line ends, on text formatted with "\n". */
function finish(s: string, style: Style): string {
  let out = s;
  if (style.ascii) out = out.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return style.eol !== '\n' ? out.replaceAll('\n', style.eol) : out;
}

/** A JSON value `depth` levels down in the file, as JSON.stringify(file, null, indent) writes it there. */
function formatAt(value: unknown, style: Style, depth: number): string {
  if (style.spaced) return stringifySpaced(value);
  const s = JSON.stringify(value, null, style.indent) ?? 'null';
  return style.indent && depth ? s.replaceAll('\n', `\n${style.indent.repeat(depth)}`) : s;
}

function format(value: unknown, style: Style): string {
  const s = finish(formatAt(value, style, 0), style);
  return style.finalEol ? s + style.eol : s;
}

/**
 * The bytes of each cell as last written, per layout. A save writes the cells it did not change from here: a cell
 * holding 50 MB of output is formatted and encoded once, not on every autosave (0.5 s of the host's thread each).
 * Keys are the JSON objects a save writes back unchanged, which are never mutated.
 */
const cellBytes = new WeakMap<object, { layout: string; bytes: Buffer }>();

function encodeCell(raw: unknown, style: Style, layout: string): Buffer {
  const hit = typeof raw === 'object' && raw !== null ? cellBytes.get(raw) : undefined;
  if (hit?.layout === layout) return hit.bytes;
  const bytes = Buffer.from(finish(formatAt(raw, style, 2), style));
  if (typeof raw === 'object' && raw !== null) cellBytes.set(raw, { layout, bytes });
  return bytes;
}

/** Exactly format(top, style) as bytes, with the cells taken from the cache when they were written before. */
function encode(top: Json, style: Style): Buffer[] {
  const cells = top.cells;
  if (!Array.isArray(cells) || !cells.length) return [Buffer.from(format(top, style))];
  const { indent, spaced } = style;
  const layout = JSON.stringify(style);
  const inner = spaced ? ', ' : indent ? `,\n${indent}` : ',';
  const cellSep = Buffer.from(finish(spaced ? ', ' : indent ? `,\n${indent.repeat(2)}` : ',', style));
  const parts: Buffer[] = [];
  const text = (s: string) => void parts.push(Buffer.from(finish(s, style)));
  const entries = Object.entries(top).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  text(indent && !spaced ? `{\n${indent}` : '{');
  entries.forEach(([key, value], i) => {
    if (i) text(inner);
    text(`${JSON.stringify(key)}${spaced || indent ? ': ' : ':'}`);
    if (key !== 'cells') return text(formatAt(value, style, 1));
    text(indent && !spaced ? `[\n${indent.repeat(2)}` : '[');
    cells.forEach((c, j) => {
      if (j) parts.push(cellSep);
      parts.push(encodeCell(c, style, layout));
    });
    text(indent && !spaced ? `\n${indent}]` : ']');
  });
  text(indent && !spaced ? '\n}' : '}');
  if (style.finalEol) text('\n');
  return coalesce(parts);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Where the string starting at `at` (its opening quote) ends: just after its closing quote. */
function afterString(bytes: Buffer, at: number): number {
  for (let q = bytes.indexOf(QUOTE, at + 1); q !== -1; q = bytes.indexOf(QUOTE, q + 1)) {
    let slashes = 0;
    while (bytes[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
  }
  return bytes.length;
}

/**
 * The byte ranges of the elements of the top-level "cells" array of a JSON file, or null when it has none. Strings
 * are skipped with memchr (indexOf), so 50 MB of output text costs a few tens of milliseconds.
 */
function cellRanges(bytes: Buffer): Array<[number, number]> | null {
  const key = Buffer.from('"cells"');
  let depth = 0;
  let expectKey = false;
  let cellsKey = false;
  let inCells = false;
  let start = -1;
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      const end = afterString(bytes, i);
      if (depth === 1 && expectKey) ((cellsKey = bytes.subarray(i, end).equals(key)), (expectKey = false));
      else if (inCells && depth === 2 && start < 0) ranges.push([i, end]);
      i = end - 1;
    } else if (b === 0x7b || b === 0x5b) {
      if (depth === 0) expectKey = b === 0x7b;
      else if (depth === 1 && b === 0x5b && cellsKey) inCells = true;
      else if (inCells && depth === 2) start = i;
      depth++;
    } else if (b === 0x7d || b === 0x5d) {
      depth--;
      if (inCells && depth === 2 && start >= 0) (ranges.push([start, i + 1]), (start = -1));
      else if (inCells && depth === 1) return ranges;
    } else if (depth === 1 && b === 0x2c) {
      expectKey = true;
      cellsKey = false;
    } else if (inCells && depth === 2 && start < 0 && b > 0x20 && b !== 0x2c) {
      // A number, true, false or null as an element: not a cell, but it keeps the ranges aligned with the array.
      let e = i;
      while (e < bytes.length && bytes[e]! > 0x20 && bytes[e] !== 0x2c && bytes[e] !== 0x5d) e++;
      ranges.push([i, e]);
      i = e - 1;
    }
  }
  return null;
}

/**
 * After a read of `bytes`: each cell's bytes as the file holds them, so the first save after opening writes the
 * cells the user did not change straight from the file (a 50 MB output is not formatted and encoded again).
 */
export function rememberFileBytes(read: NotebookRead, bytes: Buffer, text: string): void {
  const known = written.get(read);
  const raws = known?.json.cells;
  if (!known || !Array.isArray(raws) || read.convertedFrom !== null || bytes[0] === 0xef) return;
  const ranges = cellRanges(bytes);
  if (!ranges || ranges.length !== raws.length) return;
  known.style ??= detectStyle(text);
  const layout = JSON.stringify(known.style);
  raws.forEach((raw, i) => {
    const [from, to] = ranges[i]!;
    if (typeof raw === 'object' && raw !== null) cellBytes.set(raw, { layout, bytes: bytes.subarray(from, to) });
  });
}

/**
 * The file being written over: its text (a function, so a file this app wrote is never decoded just to be
 * merged with), and readNotebook's reading of it when the caller has it already.
 */
export type OriginalFile = string | { text: () => string; read: NotebookRead };

/** What a save wrote (or a read parsed), kept with the read that stands for it: the next save merges with it. */
interface Written {
  json: Json;
  style?: Style;
}

/** Writes over `original` (a format 4 file): what the user did not change keeps the file's JSON, order and layout. */
function mergeWithOriginal(doc: NotebookDoc, file: OriginalFile): Saved | null {
  const original = typeof file === 'string' ? () => file : file.text;
  let orig: NotebookRead;
  try {
    orig = typeof file === 'string' ? readNotebook(file) : file.read;
  } catch {
    return null;
  }
  if (orig.convertedFrom !== null) return null;
  const known = typeof file === 'string' ? undefined : written.get(file.read);
  const origJson = known?.json ?? (JSON.parse(original().replace(/^\uFEFF/, '')) as Json);
  const style = known?.style ?? detectStyle(original());
  const rawCells = origJson.cells as unknown[];
  const index = new Map(orig.doc.cells.map((c, i) => [c.id, i]));
  const ids = idsToWrite(doc);
  const cells = doc.cells.map((c, k) => {
    const i = index.get(c.id);
    if (i !== undefined && docsEqual(c, orig.doc.cells[i])) return rawCells[i];
    const made = writeCell(c, ids[k]!);
    if (i === undefined) return sortKeys(made);
    const was = orig.doc.cells[i]!;
    const raw = rawCells[i];
    if (isVerbatimCell(c)) return made;
    if (!isObj(raw) || !isObj(made) || VERBATIM in was) return sortKeys(made);
    return mergeObject(raw, made, (key) => {
      if (key !== 'outputs' || !Array.isArray(raw.outputs) || !Array.isArray(made.outputs)) return docsEqual(c[key], was[key]) ? raw[key] : made[key];
      const before = was.outputs ?? [];
      const rawOuts = raw.outputs;
      return made.outputs.map((o, j) => (j < before.length && docsEqual(c.outputs?.[j], before[j]) ? rawOuts[j] : sortKeys(o)));
    });
  });
  const fresh = buildJson(doc, cells);
  const top = mergeObject(origJson, fresh, (key) => (key === 'cells' ? cells : docsEqual(doc[key], orig.doc[key]) ? origJson[key] : fresh[key]));
  return { bytes: encode(top, style), json: top, style };
}

/**
 * Serializes to nbformat 4.x JSON. With `original` (the text of the format 4 file being overwritten), everything the
 * user did not change is written back as the file had it, in the file's own layout; without it, the result is what
 * nbformat itself would write (sorted keys, 1-space indent, trailing newline). Unknown and future cells and outputs
 * are always written back verbatim. Format 4.0–4.4 stays 4.0–4.4 (no cell ids); 4.5 and later get unique ids.
 */
export function serializeNotebook(doc: NotebookDoc, original?: OriginalFile): string {
  return toText(serializeForSave(doc, original).bytes);
}

/** The JSON object behind a file this app wrote or read, keyed by the read that stands for that file (never mutated). */
const written = new WeakMap<NotebookRead, Written>();

/** A save's bytes, and the JSON and layout they hold, which the next save over the same file starts from. */
export interface Saved {
  bytes: ByteParts;
  json: Json;
  style: Style;
}

/** serializeNotebook as bytes, with what it wrote: the next save over that file merges with it instead of parsing 50 MB again. */
export function serializeForSave(doc: NotebookDoc, original?: OriginalFile): Saved {
  const merged = original !== undefined ? mergeWithOriginal(doc, original) : null;
  if (merged) return merged;
  const json = sortKeys(buildJson(doc)) as Json;
  return { bytes: encode(json, NBFORMAT_STYLE), json, style: NBFORMAT_STYLE };
}

/** `read` stands for a file whose bytes are `saved.bytes` (see serializeForSave). */
export function rememberWritten(read: NotebookRead, saved: Saved): void {
  written.set(read, { json: saved.json, style: saved.style });
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
