// Saves that write unchanged cells from bytes already made (the file's own, or the last save's) must write exactly
// what a fresh serialisation writes, whatever the file's layout; chunked contents compare and write byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NotebookDoc } from '../../preload/contract.ts';
import { atomicWrite } from '../../main/services/atomic-write.ts';
import { coalesce, sameBytes } from '../../main/services/byte-parts.ts';
import { serializeNotebook } from '../../main/services/nbformat.ts';
import { NotebookFiles } from '../../main/services/notebook-files.ts';

const root = mkdtempSync(join(tmpdir(), 'gds-save-bytes-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'nbformat');

const tricky = {
  cells: [
    { cell_type: 'markdown', id: 'md', metadata: { tags: ['a"b', 'c\\'] }, source: ['# Title "quoted" \\ back\\\\slash\n', 'é ü 😀 \u2028'] },
    {
      cell_type: 'code', id: 'c1', metadata: { x: [1, [2, { y: '}' }]], z: null }, source: 'print("{[\\"]}")', execution_count: 3,
      outputs: [{ output_type: 'stream', name: 'stdout', text: ['a\\"\n', '"\\\\"\n', '{"not": "json"}\n'] }],
    },
    { cell_type: 'code', id: 'c2', metadata: {}, source: ['x = 1\n', 'y = [x, "]"]'], execution_count: null, outputs: [] },
    { cell_type: 'raw', id: 'r1', metadata: {}, source: '' },
  ],
  metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, 'cells': ['not', 'these'] },
  nbformat: 4,
  nbformat_minor: 5,
};

/** The layouts writers use: nbformat's, two-space, tab, minified, Python's one-line json.dumps, CRLF, ASCII escapes. */
const layouts: Record<string, string> = {
  nbformat: `${JSON.stringify(tricky, null, 1)}\n`,
  twoSpaces: JSON.stringify(tricky, null, 2),
  tab: `${JSON.stringify(tricky, null, '\t')}\n`,
  minified: JSON.stringify(tricky),
  crlf: `${JSON.stringify(tricky, null, 1).replaceAll('\n', '\r\n')}\r\n`,
  ascii: `${JSON.stringify(tricky, null, 1).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`,
};

const edit = (doc: NotebookDoc, id: string, source: string): NotebookDoc => ({ ...doc, cells: doc.cells.map((c) => (c.id === id ? { ...c, source } : c)) });

let n = 0;
async function roundTrips(name: string, text: string): Promise<void> {
  const dir = join(root, `t${n++}`);
  mkdirSync(dir, { recursive: true });
  const p = join(dir, 'nb.ipynb');
  writeFileSync(p, text);
  const files = new NotebookFiles(join(dir, 'data'), () => undefined);
  try {
    const opened = await files.open(p);
    const ids = opened.doc.cells.map((c) => c.id);
    let doc = opened.doc;
    let mtime = opened.mtimeMs;
    // Each cell edited in turn: every other cell comes from bytes made before, the edited one is formatted afresh.
    for (const [k, id] of [...ids, ids[0]!].entries()) {
      const next = edit(doc, id, `edited ${k} "\\" é`);
      // From the original text: cells without ids get the same generated ids as when the file was opened.
      const want = serializeNotebook(next, text);
      const r = await files.save(p, next, mtime);
      assert.equal(readFileSync(p, 'utf8'), want, `${name}: save ${k} (cell ${id}) writes what a fresh serialisation writes`);
      assert.equal(r.written, true);
      (doc = next), (mtime = r.mtimeMs);
    }
    const again = await files.save(p, doc, mtime);
    assert.equal(again.written, false, `${name}: an unchanged document is not written again`);
  } finally {
    files.dispose();
  }
}

test('saves after open write exactly what a fresh serialisation writes, in every layout', async () => {
  for (const [name, text] of Object.entries(layouts)) await roundTrips(name, text);
});

test('saves of the official nbformat test notebooks (format 4) write what a fresh serialisation writes', async () => {
  const v4 = readdirSync(fixtures).filter((f) => /^test4.*\.ipynb$/.test(f));
  assert.ok(v4.length >= 4);
  for (const f of v4) await roundTrips(f, readFileSync(join(fixtures, f), 'utf8'));
});

test('an unchanged cell is written from the file as the file holds it, odd spacing included', async () => {
  const dir = join(root, 'odd');
  mkdirSync(dir, { recursive: true });
  const p = join(dir, 'nb.ipynb');
  // Escaped quotes and backslashes before quotes, and brackets inside strings, ahead of the odd cell: finding the
  // cells' bytes must read strings as JSON does, or the odd cell would be reformatted.
  const odd = '{"cells": [{"cell_type":"code","id":"a","metadata":{"q":"\\\\"},"source":"s = \\"{[\\\\\\"]}\\"","execution_count":null,"outputs":[]},\n'
    + '  {"cell_type" :  "markdown", "id": "b", "metadata": {  }, "source": "keep   me"}],\n'
    + ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n';
  writeFileSync(p, odd);
  const files = new NotebookFiles(join(dir, 'data'), () => undefined);
  const opened = await files.open(p);
  await files.save(p, edit(opened.doc, 'a', 'x = 2'), opened.mtimeMs);
  const saved = readFileSync(p, 'utf8');
  assert.ok(saved.includes('{"cell_type" :  "markdown", "id": "b", "metadata": {  }, "source": "keep   me"}'), saved);
  const cells = (JSON.parse(saved) as { cells: Array<{ source: unknown }> }).cells;
  assert.deepEqual(cells.map((c) => c.source), [['x = 2'], 'keep   me']);
  files.dispose();
});

test('chunked contents: equal however chunked, unequal on one byte or one length', () => {
  const whole = Buffer.from('abcdefghij'.repeat(100));
  const chunks = (sizes: number[]) => {
    const out: Buffer[] = [];
    let at = 0;
    for (const s of sizes) (out.push(whole.subarray(at, at + s)), (at += s));
    return out;
  };
  assert.ok(sameBytes([whole], chunks([1, 0, 499, 500])));
  assert.ok(sameBytes(chunks([300, 700]), chunks([7, 993])));
  const changed = Buffer.from(whole);
  changed[640] = 0x21;
  assert.ok(!sameBytes(chunks([300, 700]), [changed]));
  assert.ok(!sameBytes([whole], [whole.subarray(0, 999)]));
  const joined = coalesce(chunks([10, 20, 600, 370]), 500);
  assert.deepEqual(joined.map((b) => b.length), [30, 600, 370]);
  assert.ok(sameBytes(joined, [whole]));
});

test('atomicWrite writes chunks in order, byte for byte', async () => {
  const p = join(root, 'chunks.bin');
  const parts = Array.from({ length: 3000 }, (_, i) => Buffer.from(`${i},`));
  await atomicWrite(p, parts);
  assert.equal(readFileSync(p, 'utf8'), parts.map((b) => b.toString()).join(''));
});
