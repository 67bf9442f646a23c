import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeNotebookBytes,
  NotebookFormatError,
  parseNotebook,
  readNotebook,
  serializeNotebook,
  splitLines,
  VERBATIM,
} from '../../main/services/nbformat.ts';
import { ensureKaggleCorpus } from '../../pipeline/corpus-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'gds-nbf-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function validate(text: string): void {
  const f = join(dir, `nb${n++}.ipynb`);
  writeFileSync(f, text);
  execFileSync('/usr/bin/python3', ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], 4))', f], { stdio: 'pipe' });
}

/** The reference: Debian's python3-nbformat (scripts/setup.sh installs it). Without it the comparisons are skipped. */
const noNbformat =
  spawnSync('/usr/bin/python3', ['-c', 'import nbformat'], { stdio: 'ignore' }).status === 0
    ? false
    : 'needs /usr/bin/python3 with nbformat (apt install python3-nbformat, as scripts/setup.sh does)';
if (noNbformat) console.log(`# skipping the nbformat comparisons: ${noNbformat}`);

/** Runs a Python snippet with nbformat loaded and `files` (paths) in sys.argv[1:]; returns its JSON answer. */
function py<T>(code: string, files: string[]): T {
  const prelude =
    'import sys, json, logging, warnings\nimport nbformat\nfrom nbformat import reader, ' +
    'validator\nwarnings.simplefilter("ignore")\nlogging.disable(logging.CRITICAL)\n';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', prelude + code, ...files], { encoding: 'utf8', maxBuffer: 256 << 20 })) as T;
}

/** nbformat's verdict: reads (without its silent repairs), converts 2/3 to 4 as `read(as_version=4)` does, validates. */
const NBFORMAT_VERDICT = `
out = []
for p in sys.argv[1:]:
    try:
        nb = reader.reads(open(p, encoding="utf-8").read())
        if nb.get("nbformat", 1) < 4:
            nb = nbformat.convert(nb, 4)
        out.append(validator.isvalid(nb))
    except Exception:
        out.append(False)
print(json.dumps(out))
`;
/** What Jupyter saves for a notebook: read as format 4, written by nbformat, read back. */
const NBFORMAT_READ = 'print(json.dumps([nbformat.reads(nbformat.writes(nbformat.read(p, as_version=4)), as_version=4) for p in sys.argv[1:]]))';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'nbformat');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const fixtureNames = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();
/** nbformat's own test3.ipynb is test3_no_metadata.ipynb with its notebook metadata; rebuilt here from the official copy. */
const test3 = () =>
  fixture('test3_no_metadata.ipynb').replace(
    '{\n "nbformat": 3,',
    '{\n "metadata": {\n  "name": "",\n  "signature": "sha256:0"\n },\n "nbformat": 3,',
  );
const tmpFile = (name: string, text: string) => {
  const f = join(dir, `${n++}-${name}`);
  writeFileSync(f, text);
  return f;
};

const v4 = (minor: number, cells: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    cells,
    metadata: { kernelspec: { name: 'python3', display_name: 'P', language: 'python' } },
    nbformat: 4,
    nbformat_minor: minor,
    ...extra,
  });

test('errors: empty, non-JSON, non-notebook, unsupported', () => {
  assert.throws(
    () => parseNotebook('hunter2 is the password'),
    (e) => e instanceof NotebookFormatError && /line 1, column 1/.test(e.message) && !/hunter/.test(e.message),
  );
  assert.throws(
    () => parseNotebook('{"cells": [\n  {"secret": "hunter2",}]}'),
    (e) => e instanceof NotebookFormatError && /line 2, column 24/.test(e.message) && !/hunter|secret/.test(e.message),
  );
  assert.throws(
    () => parseNotebook('{"cells": ["hunter2'),
    (e) => e instanceof NotebookFormatError && /ends too early/.test(e.message) && !/hunter/.test(e.message),
  );
  assert.throws(
    () => parseNotebook('{"nbformat": "hunter2", "cells": []}'),
    (e) => e instanceof NotebookFormatError && /unsupported/.test(e.message) && !/hunter/.test(e.message),
  );
  assert.throws(
    () => parseNotebook('  \n'),
    (e) => e instanceof NotebookFormatError && /empty/.test(e.message),
  );
  assert.throws(
    () => parseNotebook('{nope'),
    (e) => e instanceof NotebookFormatError && /not valid JSON/.test(e.message),
  );
  assert.throws(
    () => parseNotebook('[1,2]'),
    (e) => e instanceof NotebookFormatError && /not a notebook/.test(e.message),
  );
  assert.throws(
    () => parseNotebook('{"a":1}'),
    (e) => e instanceof NotebookFormatError && /unsupported/.test(e.message),
  );
  assert.throws(
    () => parseNotebook('{"nbformat":5,"cells":[]}'),
    (e) => e instanceof NotebookFormatError && /nbformat 5/.test(e.message),
  );
});

for (const minor of [0, 1, 2, 3, 4, 5]) {
  test(`nbformat 4.${minor} parse + serialize validates`, () => {
    const doc = parseNotebook(
      v4(minor, [
        { cell_type: 'markdown', metadata: {}, source: ['# T\n', 'body'] },
        {
          cell_type: 'code',
          metadata: { tags: ['x'] },
          execution_count: 3,
          source: 'a = 1\nprint(a)',
          outputs: [
            { output_type: 'stream', name: 'stdout', text: ['1\n', '2\n'] },
            {
              output_type: 'execute_result',
              execution_count: 3,
              metadata: {},
              data: { 'text/plain': ['l1\n', 'l2'], 'application/json': { k: [1, 2] } },
            },
            { output_type: 'error', ename: 'E', evalue: 'v', traceback: ['t1', 't2'] },
          ],
        },
        { cell_type: 'raw', metadata: {}, source: 'raw text' },
      ]),
    );
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
    // The format stays what it was (nbformat reads 4.0–4.4 as they are); only 4.5 has cell ids.
    assert.equal(j.nbformat_minor, minor);
    for (const c of j.cells) assert.equal('id' in c, minor >= 5);
    assert.deepEqual(j.cells[0].source, ['# T\n', 'body']);
    assert.deepEqual(j.cells[1].outputs[0].text, ['1\n', '2\n']);
    assert.deepEqual(j.cells[1].outputs[1].data['text/plain'], ['l1\n', 'l2']);
    assert.equal(j.cells[0].outputs, undefined);
    // round trip is stable
    assert.equal(serializeNotebook(parseNotebook(text)), text);
  });
}

test('unknown fields preserved at top level, cell and output', () => {
  const doc = parseNotebook(
    v4(
      4,
      [
        {
          cell_type: 'code',
          metadata: {},
          source: '',
          execution_count: null,
          outputs: [{ output_type: 'display_data', data: {}, metadata: {}, xout: 1 }],
          attachments: { 'a.png': { 'image/png': 'AAA' } },
        },
      ],
      { xtop: { y: 1 } },
    ),
  );
  const j = JSON.parse(serializeNotebook(doc));
  assert.deepEqual(j.xtop, { y: 1 });
  assert.deepEqual(j.cells[0].attachments, { 'a.png': { 'image/png': 'AAA' } });
  assert.equal(j.cells[0].outputs[0].xout, 1);
});

test('cell ids: kept when valid, generated when missing/invalid/duplicate', () => {
  const doc = parseNotebook(
    v4(5, [
      { id: 'keep-me_1', cell_type: 'markdown', metadata: {}, source: 'a' },
      { id: 'keep-me_1', cell_type: 'markdown', metadata: {}, source: 'b' },
      { id: 'bad id!', cell_type: 'markdown', metadata: {}, source: 'c' },
      { cell_type: 'markdown', metadata: {}, source: 'd' },
      { id: 'x'.repeat(65), cell_type: 'markdown', metadata: {}, source: 'e' },
    ]),
  );
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
    metadata: { name: 'old' },
    nbformat: 3,
    nbformat_minor: 0,
    worksheets: [
      {
        cells: [
          { cell_type: 'heading', level: 2, metadata: {}, source: ['Title'] },
          { cell_type: 'markdown', metadata: {}, source: 'text' },
          {
            cell_type: 'code',
            collapsed: false,
            input: ['x = 1\n', 'x'],
            language: 'python',
            metadata: {},
            prompt_number: 4,
            outputs: [
              { output_type: 'stream', stream: 'stderr', text: ['warn\n'] },
              { output_type: 'pyout', prompt_number: 4, metadata: {}, text: ['1'], html: ['<b>1</b>'] },
              { output_type: 'display_data', metadata: {}, png: 'iVBORw0KGgo=' },
              { output_type: 'pyerr', ename: 'ValueError', evalue: 'bad', traceback: ['tb'] },
            ],
          },
        ],
      },
    ],
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
  assert.equal(j.nbformat_minor, 5);
  assert.equal(j.metadata.name, undefined, 'nbformat drops the v3 notebook name when it converts');
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

test('BOM: read, but reported (Jupyter cannot read such a file)', () => {
  const r = readNotebook('\ufeff' + v4(4, []));
  assert.equal(r.doc.cells.length, 0);
  assert.match(r.problems.join(), /byte order mark/);
});

test('real Kaggle notebooks: the verdict of nbformat, untouched when unedited, valid when written afresh', { skip: noNbformat }, () => {
  const root = join(ensureKaggleCorpus(), 'datasets');
  assert.ok(existsSync(root), root);
  const datasets = readdirSync(root).sort().slice(0, 4);
  const files: string[] = [];
  for (const ds of datasets) {
    const kdir = join(root, ds, 'kernels');
    if (!existsSync(kdir)) continue;
    files.push(
      ...readdirSync(kdir)
        .filter((x) => x.endsWith('.ipynb') && readFileSync(join(kdir, x), 'utf8').trim() !== '')
        .sort()
        .slice(0, 3)
        .map((x) => join(kdir, x)),
    );
  }
  assert.ok(files.length >= 4, `found ${files.length} Kaggle notebooks`);
  const verdicts = py<boolean[]>(NBFORMAT_VERDICT, files);
  files.forEach((f, i) => {
    // Some of them are not UTF-8: nbformat cannot read those at all.
    const { text: raw, invalidUtf8At } = decodeNotebookBytes(readFileSync(f));
    const r = readNotebook(raw);
    assert.equal(
      r.problems.length === 0 && invalidUtf8At === null,
      verdicts[i],
      `${f}: ours ${JSON.stringify(r.problems)} (UTF-8 ${invalidUtf8At}), nbformat's ${verdicts[i]}`,
    );
    const orig = JSON.parse(raw);
    const origCells = orig.cells ?? (orig.worksheets ?? []).flatMap((w: { cells: unknown[] }) => w.cells);
    assert.equal(r.doc.cells.length, origCells.length, f);
    if (!r.convertedFrom) assert.equal(serializeNotebook(r.doc, raw), raw, `${f}: an unedited notebook is written back byte for byte`);
    const text = serializeNotebook(r.doc);
    if (verdicts[i]) validate(text);
    assert.equal(serializeNotebook(parseNotebook(text)), text, `${f} second round trip is stable`);
  });
});

test('official nbformat test notebooks: our verdict is that of nbformat, and problems never quote the file', { skip: noNbformat }, () => {
  const names = [...fixtureNames, 'test3.ipynb'];
  const paths = names.map((f) => (f === 'test3.ipynb' ? tmpFile(f, test3()) : join(FIXTURES, f)));
  const verdicts = py<boolean[]>(NBFORMAT_VERDICT, paths);
  names.forEach((f, i) => {
    const r = readNotebook(readFileSync(paths[i]!, 'utf8'));
    assert.equal(r.problems.length === 0, verdicts[i], `${f}: ours ${JSON.stringify(r.problems)}, nbformat's ${verdicts[i]}`);
    for (const p of r.problems) assert.doesNotMatch(p, /BAD|bad stream|Lorem|hello/, `${f}: ${p}`);
  });
  assert.deepEqual(Object.fromEntries(names.map((f, i) => [f, verdicts[i]])), {
    'invalid.ipynb': false,
    'test2-handwritten.ipynb': true,
    'test3_no_metadata.ipynb': false,
    'test3_worksheet_with_no_cells.ipynb': false,
    'test4.5.ipynb': true,
    'test4.ipynb': true,
    'test4custom.ipynb': true,
    'test4jupyter_metadata.ipynb': true,
    'test4plus.ipynb': true,
    'v4_5_invalid_metadata.ipynb': false,
    'test3.ipynb': true,
  });
});

test('official nbformat test notebooks: written back unedited, every one is byte for byte the file', () => {
  for (const f of fixtureNames) {
    const text = fixture(f);
    const r = readNotebook(text);
    if (r.convertedFrom) continue; // formats 2/3 are only written after the user agrees to convert (notebook-files tests)
    assert.equal(serializeNotebook(r.doc, text), text, f);
  }
});

test('official nbformat test notebooks: an edit changes that cell only, per the reading of nbformat', { skip: noNbformat }, () => {
  for (const f of ['test4.ipynb', 'test4.5.ipynb', 'test4plus.ipynb', 'test4custom.ipynb', 'test4jupyter_metadata.ipynb']) {
    const text = fixture(f);
    const doc = parseNotebook(text);
    const k = doc.cells.findIndex((c) => c.cell_type === 'code');
    doc.cells[k] = { ...doc.cells[k]!, source: 'print("edited")\nx = 1' };
    const saved = tmpFile(f, serializeNotebook(doc, text));
    const [before, after] = py<Array<{ cells: Array<Record<string, unknown>> }>>(NBFORMAT_READ, [join(FIXTURES, f), saved]);
    before!.cells[k]!.source = 'print("edited")\nx = 1';
    assert.deepEqual(after, before, f);
    // The layout is the file's: putting the old source back gives the original bytes.
    const j = JSON.parse(text);
    const oldSource = JSON.stringify(j.cells[k].source, null, 1).replaceAll('\n', `\n${' '.repeat(3)}`);
    const newSource = JSON.stringify(splitLines('print("edited")\nx = 1'), null, 1).replaceAll('\n', `\n${' '.repeat(3)}`);
    assert.equal(readFileSync(saved, 'utf8').replace(newSource, oldSource), text, `${f}: nothing but the edited source changed`);
  }
});

test('test4plus (forward compatibility): the future cell and output are kept as they were, beside edits', () => {
  const text = fixture('test4plus.ipynb');
  const orig = JSON.parse(text);
  const r = readNotebook(text);
  assert.deepEqual(r.problems, []);
  const doc = r.doc;
  const future = doc.cells[9]!;
  assert.equal(future.cell_type, 'raw', 'shown as a read-only raw block');
  assert.deepEqual(future[VERBATIM], orig.cells[9]);
  assert.deepEqual((doc.cells[10]!.outputs![1] as Record<string, unknown>)[VERBATIM], orig.cells[10].outputs[1]);
  // Edit everything else, including the cell that holds the future output, and write afresh (Save as): still there.
  doc.cells[10]!.source = 'future_output(2)';
  doc.cells[3]!.outputs = [];
  for (const out of [serializeNotebook(doc), serializeNotebook(doc, text)]) {
    const j = JSON.parse(out);
    assert.equal(j.nbformat_minor, 99);
    assert.equal(j.extra, 'future');
    assert.deepEqual(j.cells[9], orig.cells[9]);
    assert.deepEqual(j.cells[10].outputs[1], orig.cells[10].outputs[1]);
    assert.equal(j.cells[0].extra, 5);
    assert.equal(j.cells[3].future, 'yes');
    assert.equal(j.cells[8].outputs[0].extra, 'yes');
    assert.equal(j.cells[8].outputs[0].data.extra, 'yes');
  }
  // A placeholder the user rewrote is the user's cell now.
  doc.cells[9] = { ...doc.cells[9]!, source: 'my text' };
  const j = JSON.parse(serializeNotebook(doc, text));
  assert.equal(j.cells[9].cell_type, 'raw');
  assert.deepEqual(j.cells[9].source, ['my text']);
  assert.equal(j.cells[9].key, undefined);
});

test('a v4 heading cell (invalid.ipynb) keeps its level, and a bad output its type, when written afresh', () => {
  const text = fixture('invalid.ipynb');
  const orig = JSON.parse(text);
  const r = readNotebook(text);
  assert.ok(
    r.problems.some((p) => /cell 3 is a "heading" cell/.test(p)),
    r.problems.join('; '),
  );
  assert.ok(r.problems.some((p) => /cell 4, output 1/.test(p)));
  const j = JSON.parse(serializeNotebook(r.doc));
  assert.deepEqual(j.cells[2], orig.cells[2]);
  assert.equal(j.cells[2].level, 2);
  assert.deepEqual(j.cells[3].outputs[0], orig.cells[3].outputs[0]);
});

test('nbformat 2 and 3 convert exactly as nbformat converts them (the same bytes, cell ids aside)', { skip: noNbformat }, () => {
  const cases: Array<[string, string]> = [
    ['test2-handwritten.ipynb', fixture('test2-handwritten.ipynb')],
    ['test3.ipynb', test3()],
  ];
  for (const [name, text] of cases) {
    const r = readNotebook(text);
    assert.deepEqual(r.problems, [], name);
    assert.equal(r.convertedFrom, name.startsWith('test2') ? 2 : 3);
    const ours = serializeNotebook(r.doc);
    const theirs = py<string[]>(
      `
out = []
orig, ours = sys.argv[1], sys.argv[2]
nb = nbformat.read(orig, as_version=4)
for c, m in zip(nb.cells, json.load(open(ours))["cells"]):
    c["id"] = m["id"]
print(json.dumps([nbformat.writes(nb) + "\\n"]))
`,
      [tmpFile(name, text), tmpFile(`ours-${name}`, ours)],
    );
    assert.equal(ours, theirs[0], `${name}: what Jupyter would save`);
  }
  // The finding: format 2 stores lines without their ends; they must come back as lines.
  const code = readNotebook(fixture('test2-handwritten.ipynb')).doc.cells[1]!;
  assert.equal(code.source, 'def f(x):\n    """My function\n    x : parameter"""\n    return x + 1\n\nprint(f(3))\nprint(f(4))');
  assert.equal((code.outputs![0] as Record<string, unknown>).text, '4\n5');
});

test('nbformat 3: what nbformat cannot read is reported, not repaired', () => {
  assert.match(readNotebook(fixture('test3_no_metadata.ipynb')).problems.join(), /no "metadata"/);
  assert.match(readNotebook(fixture('test3_worksheet_with_no_cells.ipynb')).problems.join(), /worksheet has no list of cells/);
});

test('the layout of the file is kept when an edit is written: indent, escapes, no final newline', () => {
  const nb = {
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['caf\u00e9 \u2603'] },
      { cell_type: 'markdown', metadata: {}, source: 'b' },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 4,
  };
  const text = JSON.stringify(nb, null, 2).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const doc = parseNotebook(text);
  assert.equal(serializeNotebook(doc, text), text);
  doc.cells[1]!.source = 'été';
  const out = serializeNotebook(doc, text);
  assert.equal(out, text.replace('"source": "b"', '"source": [\n        "\\u00e9t\\u00e9"\n      ]'));
});

test('decodeNotebookBytes: UTF-8 is strict, and the first bad byte is located', () => {
  assert.deepEqual(decodeNotebookBytes(Buffer.from('{"a": "é"}')), { text: '{"a": "é"}', invalidUtf8At: null });
  const bad = Buffer.concat([Buffer.from('{"a": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
  const d = decodeNotebookBytes(bad);
  assert.equal(d.invalidUtf8At, 10);
  assert.match(d.text, /\ufffd/);
  assert.equal(decodeNotebookBytes(Buffer.from([0x7b, 0xed, 0xa0, 0x80, 0x7d])).invalidUtf8At, 1, 'a UTF-16 surrogate is not UTF-8');
});
