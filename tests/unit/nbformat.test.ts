import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotebookFormatError, parseNotebook, serializeNotebook, splitLines } from '../../main/services/nbformat.ts';
import { ensureKaggleCorpus } from '../../pipeline/corpus-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'gds-nbf-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function validate(text: string): void {
  const f = join(dir, `nb${n++}.ipynb`);
  writeFileSync(f, text);
  execFileSync('/usr/bin/python3', ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], 4))', f], { stdio: 'pipe' });
}

const v4 = (minor: number, cells: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ cells, metadata: { kernelspec: { name: 'python3', display_name: 'P', language: 'python' } }, nbformat: 4, nbformat_minor: minor, ...extra });

test('errors: empty, non-JSON, non-notebook, unsupported', () => {
  assert.throws(() => parseNotebook('  \n'), (e) => e instanceof NotebookFormatError && /empty/.test(e.message));
  assert.throws(() => parseNotebook('{nope'), (e) => e instanceof NotebookFormatError && /not valid JSON/.test(e.message));
  assert.throws(() => parseNotebook('[1,2]'), (e) => e instanceof NotebookFormatError && /not a notebook/.test(e.message));
  assert.throws(() => parseNotebook('{"a":1}'), (e) => e instanceof NotebookFormatError && /unsupported/.test(e.message));
  assert.throws(() => parseNotebook('{"nbformat":5,"cells":[]}'), (e) => e instanceof NotebookFormatError && /nbformat 5/.test(e.message));
});

for (const minor of [0, 1, 2, 3, 4, 5]) {
  test(`nbformat 4.${minor} parse + serialize validates`, () => {
    const doc = parseNotebook(v4(minor, [
      { cell_type: 'markdown', metadata: {}, source: ['# T\n', 'body'] },
      { cell_type: 'code', metadata: { tags: ['x'] }, execution_count: 3, source: 'a = 1\nprint(a)', outputs: [
        { output_type: 'stream', name: 'stdout', text: ['1\n', '2\n'] },
        { output_type: 'execute_result', execution_count: 3, metadata: {}, data: { 'text/plain': ['l1\n', 'l2'], 'application/json': { k: [1, 2] } } },
        { output_type: 'error', ename: 'E', evalue: 'v', traceback: ['t1', 't2'] },
      ] },
      { cell_type: 'raw', metadata: {}, source: 'raw text' },
    ]));
    assert.equal(doc.cells.length, 3);
    assert.equal(doc.cells[0]!.source, '# T\nbody');
    assert.equal(doc.cells[1]!.source, 'a = 1\nprint(a)');
    assert.equal(doc.cells[1]!.execution_count, 3);
    const outs = doc.cells[1]!.outputs as Record<string, unknown>[];
    assert.equal(outs[0]!.text, '1\n2\n');
    assert.deepEqual(outs[1]!.data, { 'text/plain': 'l1\nl2', 'application/json': { k: [1, 2] } });
    assert.equal(doc.cells[2]!.cell_type, 'raw');
    for (const c of doc.cells) assert.match(c.id, /^[a-zA-Z0-9_-]{1,64}$/);
    const text = serializeNotebook(doc);
    validate(text);
    const j = JSON.parse(text);
    assert.equal(j.nbformat_minor, 5);
    assert.deepEqual(j.cells[0].source, ['# T\n', 'body']);
    assert.deepEqual(j.cells[1].outputs[0].text, ['1\n', '2\n']);
    assert.deepEqual(j.cells[1].outputs[1].data['text/plain'], ['l1\n', 'l2']);
    assert.equal(j.cells[0].outputs, undefined);
    // round trip is stable
    assert.equal(serializeNotebook(parseNotebook(text)), text);
  });
}

test('unknown fields preserved at top level, cell and output', () => {
  const doc = parseNotebook(v4(4, [
    { cell_type: 'code', metadata: {}, source: '', execution_count: null, outputs: [{ output_type: 'display_data', data: {}, metadata: {}, xout: 1 }], attachments: { 'a.png': { 'image/png': 'AAA' } } },
  ], { xtop: { y: 1 } }));
  const j = JSON.parse(serializeNotebook(doc));
  assert.deepEqual(j.xtop, { y: 1 });
  assert.deepEqual(j.cells[0].attachments, { 'a.png': { 'image/png': 'AAA' } });
  assert.equal(j.cells[0].outputs[0].xout, 1);
});

test('cell ids: kept when valid, generated when missing/invalid/duplicate', () => {
  const doc = parseNotebook(v4(5, [
    { id: 'keep-me_1', cell_type: 'markdown', metadata: {}, source: 'a' },
    { id: 'keep-me_1', cell_type: 'markdown', metadata: {}, source: 'b' },
    { id: 'bad id!', cell_type: 'markdown', metadata: {}, source: 'c' },
    { cell_type: 'markdown', metadata: {}, source: 'd' },
    { id: 'x'.repeat(65), cell_type: 'markdown', metadata: {}, source: 'e' },
  ]));
  const ids = doc.cells.map((c) => c.id);
  assert.equal(ids[0], 'keep-me_1');
  assert.equal(new Set(ids).size, 5);
  for (const id of ids) assert.match(id, /^[a-zA-Z0-9_-]{1,64}$/);
  validate(serializeNotebook(doc));
});

test('serialize drops transient, maps update_display_data, dedups ids', () => {
  const doc = parseNotebook(v4(5, [{ id: 'c1', cell_type: 'code', metadata: {}, source: 'x', execution_count: 1, outputs: [] }]));
  doc.cells.push({ ...doc.cells[0]!, id: doc.cells[0]!.id });
  doc.cells[0]!.outputs = [
    { output_type: 'display_data', data: { 'text/plain': 'a\nb' }, metadata: {}, transient: { display_id: 'd' } },
    { output_type: 'update_display_data', data: { 'text/html': '<b>x</b>' }, metadata: {}, transient: { display_id: 'd' } },
  ] as never;
  const text = serializeNotebook(doc);
  validate(text);
  const j = JSON.parse(text);
  assert.equal(j.cells[0].outputs[0].transient, undefined);
  assert.equal(j.cells[0].outputs[1].output_type, 'display_data');
  assert.deepEqual(j.cells[0].outputs[0].data['text/plain'], ['a\n', 'b']);
  assert.notEqual(j.cells[0].id, j.cells[1].id);
});

test('v3 worksheets with heading, pyout, pyerr, stream and v3 mime keys', () => {
  const v3 = JSON.stringify({
    metadata: { name: 'old' }, nbformat: 3, nbformat_minor: 0,
    worksheets: [{ cells: [
      { cell_type: 'heading', level: 2, metadata: {}, source: ['Title'] },
      { cell_type: 'markdown', metadata: {}, source: 'text' },
      { cell_type: 'code', collapsed: false, input: ['x = 1\n', 'x'], language: 'python', metadata: {}, prompt_number: 4, outputs: [
        { output_type: 'stream', stream: 'stderr', text: ['warn\n'] },
        { output_type: 'pyout', prompt_number: 4, metadata: {}, text: ['1'], html: ['<b>1</b>'] },
        { output_type: 'display_data', metadata: {}, png: 'iVBORw0KGgo=' },
        { output_type: 'pyerr', ename: 'ValueError', evalue: 'bad', traceback: ['tb'] },
      ] },
    ] }],
  });
  const doc = parseNotebook(v3);
  assert.equal(doc.nbformat, 4);
  assert.equal(doc.cells.length, 3);
  assert.equal(doc.cells[0]!.source, '## Title');
  assert.equal(doc.cells[0]!.cell_type, 'markdown');
  assert.equal(doc.cells[2]!.source, 'x = 1\nx');
  assert.equal(doc.cells[2]!.execution_count, 4);
  const o = doc.cells[2]!.outputs as Record<string, unknown>[];
  assert.deepEqual(o[0], { output_type: 'stream', name: 'stderr', text: 'warn\n' });
  assert.equal(o[1]!.output_type, 'execute_result');
  assert.equal(o[1]!.execution_count, 4);
  assert.deepEqual(o[1]!.data, { 'text/plain': '1', 'text/html': '<b>1</b>' });
  assert.deepEqual(o[2]!.data, { 'image/png': 'iVBORw0KGgo=' });
  assert.equal(o[3]!.output_type, 'error');
  assert.equal(o[3]!.ename, 'ValueError');
  const text = serializeNotebook(doc);
  validate(text);
  const j = JSON.parse(text);
  assert.equal(j.metadata.name, 'old');
  assert.equal(j.worksheets, undefined);
  assert.equal(j.cells[2].language, undefined);
  assert.equal(j.cells[2].collapsed, undefined);
  assert.equal(j.cells[2].metadata.collapsed, false);
});

test('splitLines keeps newlines', () => {
  assert.deepEqual(splitLines(''), []);
  assert.deepEqual(splitLines('a'), ['a']);
  assert.deepEqual(splitLines('a\n\nb\n'), ['a\n', '\n', 'b\n']);
});

test('BOM is accepted', () => {
  assert.equal(parseNotebook('\ufeff' + v4(4, [])).cells.length, 0);
});

test('real Kaggle notebooks round trip and validate', () => {
  const root = join(ensureKaggleCorpus(), 'datasets');
  assert.ok(existsSync(root), root);
  const datasets = readdirSync(root).sort().slice(0, 4);
  let count = 0;
  for (const ds of datasets) {
    const kdir = join(root, ds, 'kernels');
    if (!existsSync(kdir)) continue;
    for (const f of readdirSync(kdir).filter((x) => x.endsWith('.ipynb') && readFileSync(join(kdir, x), 'utf8').trim() !== '').sort().slice(0, 3)) {
      const raw = readFileSync(join(kdir, f), 'utf8');
      const doc = parseNotebook(raw);
      const orig = JSON.parse(raw);
      const origCells = orig.cells ?? (orig.worksheets ?? []).flatMap((w: { cells: unknown[] }) => w.cells);
      assert.equal(doc.cells.length, origCells.length, f);
      const text = serializeNotebook(doc);
      validate(text);
      assert.equal(serializeNotebook(parseNotebook(text)), text, `${f} second round trip is stable`);
      count++;
    }
  }
  assert.ok(count >= 4, `round-tripped ${count} Kaggle notebooks`);
});
