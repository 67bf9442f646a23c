import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotebookFileError, NotebookFiles } from '../../main/services/notebook-files.ts';
import { atomicWrite } from '../../main/services/atomic-write.ts';
import { emptyNotebook, serializeNotebook } from '../../main/services/nbformat.ts';

const root = mkdtempSync(join(tmpdir(), 'gds-nbfiles-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
let k = 0;
function setup() {
  const d = join(root, `t${k++}`);
  mkdirSync(join(d, 'work'), { recursive: true });
  const changes: [string, number][] = [];
  const files = new NotebookFiles(join(d, 'data'), (p, m) => changes.push([p, m]));
  return { d, work: join(d, 'work'), files, changes };
}
const isErr = (code: string) => (e: unknown) => e instanceof NotebookFileError && e.code === code;

test('open errors: missing, folder, corrupt JSON (file untouched)', async () => {
  const { work, files } = setup();
  await assert.rejects(files.open(join(work, 'nope.ipynb')), isErr('not-found'));
  await assert.rejects(files.open(work), isErr('not-notebook'));
  const bad = join(work, 'bad.ipynb');
  const bytes = Buffer.from('{"cells": [ broken \u00e9');
  writeFileSync(bad, bytes);
  const before = statSync(bad).mtimeMs;
  await assert.rejects(files.open(bad), (e: unknown) => isErr('not-notebook')(e) && /untouched/.test((e as Error).message));
  assert.deepEqual(readFileSync(bad), bytes);
  assert.equal(statSync(bad).mtimeMs, before);
  // saving over it is refused too
  await assert.rejects(files.save(bad, emptyNotebook(), null), isErr('not-notebook'));
  assert.deepEqual(readFileSync(bad), bytes);
  files.dispose();
});

test('save is atomic, unchanged notebook not rewritten, conflict and force', async () => {
  const { work, files } = setup();
  const p = join(work, 'a.ipynb');
  const doc = emptyNotebook();
  const r1 = await files.save(p, doc, null);
  assert.equal(r1.written, true);
  assert.equal(readFileSync(p, 'utf8'), serializeNotebook(doc));
  assert.deepEqual(readdirSync(work), ['a.ipynb']);
  const opened = await files.open(p);
  assert.equal(opened.recovered, null);
  // Make mtime clearly in the past, then save unchanged.
  utimesSync(p, new Date(1_600_000_000_000), new Date(1_600_000_000_000));
  const m0 = statSync(p).mtimeMs;
  const r2 = await files.save(p, opened.doc, m0);
  assert.equal(r2.written, false);
  assert.equal(statSync(p).mtimeMs, m0);
  // Changed on disk → conflict
  opened.doc.cells[0]!.source = 'x = 1';
  utimesSync(p, new Date(1_650_000_000_000), new Date(1_650_000_000_000));
  await assert.rejects(files.save(p, opened.doc, m0), isErr('conflict'));
  assert.doesNotMatch(readFileSync(p, 'utf8'), /x = 1/);
  const r3 = await files.save(p, opened.doc, m0, true);
  assert.equal(r3.written, true);
  assert.match(readFileSync(p, 'utf8'), /"x = 1"/);
  assert.equal(r3.mtimeMs, statSync(p).mtimeMs);
  assert.deepEqual(readdirSync(work), ['a.ipynb']);
  files.dispose();
});

test("a save whose reply was lost (service killed after the rename) is not taken for another program's change", async () => {
  const { d, work } = setup();
  const p = join(work, 'a.ipynb');
  let files = new NotebookFiles(join(d, 'data'), () => undefined);
  const first = await files.save(p, emptyNotebook(), null);
  const doc = emptyNotebook();
  doc.cells[0]!.source = 'lost_reply = 1';
  await files.save(p, doc, first.mtimeMs, false, { saveId: 'lost' }); // its answer never reached the editor
  files.dispose();
  files = new NotebookFiles(join(d, 'data'), () => undefined); // the restarted service
  doc.cells[0]!.source = 'lost_reply = 1\nnext = 2';
  // Without naming the lost save the editor's stale mtime is a conflict; naming it, the save goes through.
  await assert.rejects(files.save(p, doc, first.mtimeMs, false, { saveId: 'a' }), isErr('conflict'));
  const ok = await files.save(p, doc, first.mtimeMs, false, { saveId: 'b', unconfirmed: ['a', 'lost'] });
  assert.equal(ok.written, true);
  assert.match(readFileSync(p, 'utf8'), /next = 2/);
  // Once another program writes the file, naming an old save proves nothing.
  writeFileSync(p, readFileSync(p, 'utf8').replace('next = 2', 'other = 3'));
  utimesSync(p, new Date(1_650_000_000_000), new Date(1_650_000_000_000));
  doc.cells[0]!.source = 'mine = 4';
  await assert.rejects(files.save(p, doc, ok.mtimeMs, false, { saveId: 'c', unconfirmed: ['b'] }), isErr('conflict'));
  assert.match(readFileSync(p, 'utf8'), /other = 3/);
  // A torn receipt is no proof either.
  for (const f of readdirSync(join(d, 'data', 'save-receipts'))) writeFileSync(join(d, 'data', 'save-receipts', f), '{"path": ');
  await assert.rejects(files.save(p, doc, ok.mtimeMs, false, { unconfirmed: ['b'] }), isErr('conflict'));
  files.dispose();
});

test('existing non-notebook file is never overwritten', async () => {
  const { work, files } = setup();
  const p = join(work, 'data.ipynb');
  writeFileSync(p, 'id,value\n1,2\n');
  await assert.rejects(files.save(p, emptyNotebook(), null), isErr('not-notebook'));
  assert.equal(readFileSync(p, 'utf8'), 'id,value\n1,2\n');
  files.dispose();
});

test('crash journal: recovered only when newer and different; cleared after save', async () => {
  const { work, files } = setup();
  const p = join(work, 'j.ipynb');
  const doc = emptyNotebook();
  await files.save(p, doc, null);
  // same content in journal → no recovery
  await files.journalWrite(p, doc);
  assert.equal((await files.open(p)).recovered, null);
  // different content, journal newer → recovery offered
  const edited = structuredClone(doc);
  edited.cells[0]!.source = 'edited()';
  utimesSync(p, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  await files.journalWrite(p, edited);
  const o = await files.open(p);
  assert.ok(o.recovered);
  assert.equal(o.recovered.doc.cells[0]!.source, 'edited()');
  // file newer than journal → no recovery
  utimesSync(p, new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
  assert.equal((await files.open(p)).recovered, null);
  // save clears the journal
  utimesSync(p, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  const o2 = await files.open(p);
  assert.ok(o2.recovered);
  await files.save(p, o2.recovered.doc, o2.mtimeMs);
  utimesSync(p, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
  assert.equal((await files.open(p)).recovered, null);
  // discardRecovery
  await files.journalWrite(p, doc);
  await files.discardRecovery(p);
  assert.equal((await files.open(p)).recovered, null);
  files.dispose();
});

test('recent list: most recent first, no duplicates, missing files dropped', async () => {
  const { work, files } = setup();
  const a = join(work, 'a.ipynb');
  const b = join(work, 'b.ipynb');
  await files.save(a, emptyNotebook(), null);
  await files.save(b, emptyNotebook(), null);
  await files.open(a);
  assert.deepEqual(await files.recent(), [a, b]);
  rmSync(b);
  assert.deepEqual(await files.recent(), [a]);
  files.dispose();
});

test('watch reports an external change within 2.5 s', async () => {
  const { work, files, changes } = setup();
  const p = join(work, 'w.ipynb');
  await files.save(p, emptyNotebook(), null);
  files.watch(p);
  await new Promise((r) => setTimeout(r, 200));
  writeFileSync(p, serializeNotebook(emptyNotebook()));
  const t0 = Date.now();
  while (changes.length === 0 && Date.now() - t0 < 2500) await new Promise((r) => setTimeout(r, 50));
  files.dispose();
  assert.equal(changes.length >= 1, true, 'callback called');
  assert.equal(changes[0]![0], p);
  assert.equal(changes[0]![1], statSync(p).mtimeMs);
});

test('atomicWrite: failure leaves original intact and no temp file; save maps to io', async () => {
  const { work, files } = setup();
  const p = join(work, 'o.txt');
  await atomicWrite(p, 'original');
  assert.equal(readFileSync(p, 'utf8'), 'original');
  assert.deepEqual(readdirSync(work), ['o.txt']);
  // parent is a file → write really fails
  await assert.rejects(atomicWrite(join(p, 'child.txt'), 'x'));
  assert.equal(readFileSync(p, 'utf8'), 'original');
  // rename onto a folder fails → temp removed, folder intact
  mkdirSync(join(work, 'dir.ipynb'));
  await assert.rejects(atomicWrite(join(work, 'dir.ipynb'), 'x'));
  assert.deepEqual(readdirSync(work).sort(), ['dir.ipynb', 'o.txt']);
  await assert.rejects(files.save(join(p, 'n.ipynb'), emptyNotebook(), null), isErr('io'));
  // mode is preserved on overwrite
  const { chmodSync } = await import('node:fs');
  chmodSync(p, 0o644);
  await atomicWrite(p, 'new');
  assert.equal(statSync(p).mode & 0o777, 0o644);
  assert.equal(readFileSync(p, 'utf8'), 'new');
  files.dispose();
});

/* ------------------------------------------------------------------ lossless round trip (issue 21) */

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'nbformat');
const FIXTURE_NAMES = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();
const PAST = new Date(1_600_000_000_000);
/** What the web transport does to a document on its way to the host. */
const overTheWire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const noNbformat =
  spawnSync('/usr/bin/python3', ['-c', 'import nbformat'], { stdio: 'ignore' }).status === 0
    ? false
    : 'needs /usr/bin/python3 with nbformat (apt install python3-nbformat, as scripts/setup.sh does)';
if (noNbformat) console.log(`# skipping the nbformat comparisons: ${noNbformat}`);
/** nbformat's test3.ipynb: the official test3_no_metadata.ipynb with notebook and worksheet metadata. */
const test3Text = () =>
  readFileSync(join(FIXTURES, 'test3_no_metadata.ipynb'), 'utf8')
    .replace('{\n "nbformat": 3,', '{\n "metadata": {\n  "name": ""\n },\n "nbformat": 3,')
    .replace(/"metadata": \{\}\n  \}\n \]\n\}$/, '"metadata": {\n    "kept": "in the backup"\n   }\n  }\n ]\n}');

function copyFixture(work: string, name: string, text?: string): string {
  const p = join(work, name);
  if (text === undefined) copyFileSync(join(FIXTURES, name), p);
  else writeFileSync(p, text);
  utimesSync(p, PAST, PAST);
  return p;
}

test('official nbformat test notebooks opened and saved unedited are never rewritten (not a byte, not the mtime)', async () => {
  const { work, files } = setup();
  for (const name of [...FIXTURE_NAMES, 'test3.ipynb']) {
    const p = copyFixture(work, name, name === 'test3.ipynb' ? test3Text() : undefined);
    const before = readFileSync(p);
    const opened = await files.open(p);
    const r = await files.save(p, overTheWire(opened.doc), opened.mtimeMs);
    assert.equal(r.written, false, name);
    assert.deepEqual(readFileSync(p), before, name);
    assert.equal(statSync(p).mtimeMs, PAST.getTime(), name);
  }
  assert.deepEqual(readdirSync(work).sort(), [...FIXTURE_NAMES, 'test3.ipynb'].sort(), 'no backups, no temp files');
  files.dispose();
});

test("official nbformat test notebooks: open → edit one cell → save, compared with nbformat's own reading", { skip: noNbformat }, async () => {
  const { work, files } = setup();
  const valid = [
    'test2-handwritten.ipynb',
    'test3.ipynb',
    'test4.ipynb',
    'test4.5.ipynb',
    'test4plus.ipynb',
    'test4custom.ipynb',
    'test4jupyter_metadata.ipynb',
  ];
  for (const name of valid) {
    const p = copyFixture(work, name, name === 'test3.ipynb' ? test3Text() : undefined);
    const original = copyFixture(work, `original-${name}`, readFileSync(p, 'utf8'));
    const opened = await files.open(p);
    assert.equal(opened.readOnly, null, name);
    const doc = overTheWire(opened.doc);
    const k = doc.cells.findIndex((c) => c.cell_type === 'code');
    doc.cells[k]!.source = 'print("edited")';
    const r = await files.save(p, doc, opened.mtimeMs, false, { convert: !!opened.conversion });
    assert.equal(r.written, true, name);
    const [theirs, ours] = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          `
import sys, json, logging
import nbformat
logging.disable(logging.CRITICAL)
a = nbformat.reads(nbformat.writes(nbformat.read(sys.argv[1], as_version=4)), as_version=4)
b = nbformat.read(sys.argv[2], as_version=4)
nbformat.validate(b)
for nb in (a, b):
    for c in nb.cells:
        if nb.nbformat_minor >= 5 and not str(sys.argv[3]).startswith("test4"): c.pop("id", None)
print(json.dumps([a, b]))
`,
          original,
          p,
          name,
        ],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      ),
    ) as Array<{ cells: Array<Record<string, unknown>> }>;
    theirs!.cells[k]!.source = 'print("edited")';
    assert.deepEqual(ours, theirs, `${name}: everything but the edit is as nbformat reads the original`);
  }
  files.dispose();
});

test('an invalid notebook opens read-only with a clear message and is never written over', async () => {
  const { work, files } = setup();
  for (const name of ['invalid.ipynb', 'v4_5_invalid_metadata.ipynb', 'test3_no_metadata.ipynb']) {
    const p = copyFixture(work, name);
    const before = readFileSync(p);
    const opened = await files.open(p);
    assert.ok(opened.readOnly, name);
    assert.match(opened.readOnly, new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid notebook: .*read-only`), name);
    assert.doesNotMatch(opened.readOnly, /Lorem|BAD|hello/, 'the message names the problem, not the content');
    const doc = overTheWire(opened.doc);
    doc.cells[1]!.source = 'edited';
    await assert.rejects(files.save(p, doc, opened.mtimeMs), (e: unknown) => isErr('read-only')(e) && /Save as/.test((e as Error).message), name);
    assert.deepEqual(readFileSync(p), before, name);
  }
  // invalid.ipynb's first problem is named, and Save as keeps its v4 heading cell with its level.
  const opened = await files.open(join(work, 'invalid.ipynb'));
  assert.match(opened.readOnly!, /cell 1 has no "source" \(and 2 more problems\)/);
  const copy = join(work, 'copy.ipynb');
  assert.equal((await files.save(copy, overTheWire(opened.doc), null)).written, true);
  const heading = JSON.parse(readFileSync(copy, 'utf8')).cells[2];
  assert.deepEqual(heading, JSON.parse(readFileSync(join(FIXTURES, 'invalid.ipynb'), 'utf8')).cells[2]);
  files.dispose();
});

test('a file that is not UTF-8 opens read-only and is never written over, not even with force', async () => {
  const { work, files } = setup();
  const text = readFileSync(join(FIXTURES, 'test4.5.ipynb'), 'utf8');
  const at = Buffer.byteLength(text.slice(0, text.indexOf('nbconvert latex test')));
  const bytes = Buffer.concat([
    Buffer.from(text.slice(0, text.indexOf('nbconvert latex test'))),
    Buffer.from([0x63, 0x61, 0x66, 0xe9]),
    Buffer.from(text.slice(text.indexOf('nbconvert latex test'))),
  ]);
  const p = join(work, 'latin1.ipynb');
  writeFileSync(p, bytes);
  const opened = await files.open(p);
  assert.equal(opened.doc.cells.length, 9);
  assert.match(
    opened.readOnly!,
    new RegExp(`latin1\\.ipynb is not a valid notebook: it is not valid UTF-8 text \\(the first invalid byte is at offset ${at + 3}\\)`),
  );
  const doc = overTheWire(opened.doc);
  doc.cells[0]!.source = '# café';
  await assert.rejects(files.save(p, doc, opened.mtimeMs), isErr('not-notebook'));
  await assert.rejects(files.save(p, doc, opened.mtimeMs, true), isErr('not-notebook'));
  assert.deepEqual(readFileSync(p), bytes);
  files.dispose();
});

test('nbformat 2 and 3 are converted only with consent, after the original is copied to a backup', async () => {
  const { work, files } = setup();
  for (const [name, text, major] of [
    ['test3.ipynb', test3Text(), 3],
    ['test2.ipynb', readFileSync(join(FIXTURES, 'test2-handwritten.ipynb'), 'utf8'), 2],
  ] as const) {
    const p = copyFixture(work, name, text);
    const opened = await files.open(p);
    assert.equal(opened.readOnly, null);
    assert.deepEqual(opened.conversion, { from: `${major}.0`, backupPath: `${p}.v${major}.bak` });
    const doc = overTheWire(opened.doc);
    doc.cells[0]!.source = '# edited';
    await assert.rejects(
      files.save(p, doc, opened.mtimeMs),
      (e: unknown) => isErr('needs-conversion')(e) && new RegExp(`format ${major}`).test((e as Error).message),
    );
    assert.equal(readFileSync(p, 'utf8'), text);
    assert.equal(existsSync(`${p}.v${major}.bak`), false, 'no backup before consent');
    const r = await files.save(p, doc, opened.mtimeMs, false, { convert: true });
    assert.equal(r.written, true);
    assert.equal(r.backupPath, `${p}.v${major}.bak`);
    assert.equal(readFileSync(r.backupPath!, 'utf8'), text, 'the backup is the original, byte for byte');
    const j = JSON.parse(readFileSync(p, 'utf8'));
    assert.equal(j.nbformat, 4);
    assert.equal(j.nbformat_minor, 5);
    assert.deepEqual(j.cells[0].source, ['# edited']);
    const again = await files.open(p);
    assert.equal(again.conversion, null);
    assert.equal(again.readOnly, null);
  }
  assert.match(readFileSync(join(work, 'test3.ipynb.v3.bak'), 'utf8'), /"kept": "in the backup"/, 'worksheet metadata survives in the backup');
  // A backup of another version already there is never overwritten.
  const p = copyFixture(work, 'again.ipynb', test3Text());
  writeFileSync(`${p}.v3.bak`, 'an older backup');
  const opened = await files.open(p);
  assert.equal(opened.conversion?.backupPath, `${p}.v3.1.bak`);
  const r = await files.save(p, overTheWire(opened.doc), opened.mtimeMs, false, { convert: true });
  assert.equal(r.backupPath, `${p}.v3.1.bak`);
  assert.equal(readFileSync(`${p}.v3.bak`, 'utf8'), 'an older backup');
  files.dispose();
});

test('force never overwrites a file that is not a notebook', async () => {
  const { work, files } = setup();
  const p = join(work, 'data.ipynb');
  writeFileSync(p, 'id,value\n1,2\n');
  await assert.rejects(files.save(p, emptyNotebook(), null, true), isErr('not-notebook'));
  await assert.rejects(files.save(p, emptyNotebook(), statSync(p).mtimeMs - 5000, true), isErr('not-notebook'));
  assert.equal(readFileSync(p, 'utf8'), 'id,value\n1,2\n');
  // An empty file holds nothing to lose.
  const empty = join(work, 'empty.ipynb');
  writeFileSync(empty, '');
  assert.equal((await files.save(empty, emptyNotebook(), null)).written, true);
  files.dispose();
});

test('error messages name the file and the problem, never its contents', async () => {
  const { work, files } = setup();
  const p = join(work, 'shadow.ipynb');
  writeFileSync(p, 'root:$6$hunter2secret:19000:0:99999:7:::\n');
  await assert.rejects(
    files.open(p),
    (e: unknown) =>
      isErr('not-notebook')(e) &&
      (e as Error).message.includes(p) &&
      /line 1, column 1/.test((e as Error).message) &&
      !/hunter2|root:/.test((e as Error).message),
  );
  await assert.rejects(files.save(p, emptyNotebook(), null), (e: unknown) => isErr('not-notebook')(e) && !/hunter2|root:/.test((e as Error).message));
  files.dispose();
});

test("an edited save keeps the file's own layout and every field the app does not know", async () => {
  const { work, files } = setup();
  const p = copyFixture(work, 'test4plus.ipynb');
  const text = readFileSync(p, 'utf8');
  const opened = await files.open(p);
  const doc = overTheWire(opened.doc);
  doc.cells[3]!.source = 'print("edited")';
  assert.equal((await files.save(p, doc, opened.mtimeMs)).written, true);
  const saved = readFileSync(p, 'utf8');
  assert.equal(saved.replace('"print(\\"edited\\")"', '"print(\\"hello\\")"'), text, 'only the edited source differs');
  files.dispose();
});

test('a save may leave out outputs the file already holds (keepOutputs); the file keeps them, a stale list is refused', async () => {
  const { work, files } = setup();
  const p = join(work, 'big.ipynb');
  const doc = emptyNotebook();
  doc.cells = [
    {
      id: 'a',
      cell_type: 'code',
      source: 'x = 1',
      metadata: {},
      execution_count: 1,
      outputs: [{ output_type: 'stream', name: 'stdout', text: 'big output\n'.repeat(1000) }],
    },
    { id: 'b', cell_type: 'code', source: 'y = 2', metadata: {}, execution_count: null, outputs: [] },
  ];
  writeFileSync(p, serializeNotebook(doc));
  const opened = await files.open(p);
  const lean = { ...opened.doc, cells: opened.doc.cells.map((c) => (c.id === 'a' ? { ...c, source: 'x = 10', outputs: [] } : c)) };
  const res = await files.save(p, lean, opened.mtimeMs, false, { keepOutputs: ['a'] });
  assert.equal(res.written, true);
  const reread = await files.open(p);
  assert.equal(reread.doc.cells[0]?.source, 'x = 10');
  assert.equal(reread.doc.cells[0]?.outputs?.length, 1, 'the outputs the editor left out are still in the file');
  assert.match(readFileSync(p, 'utf8'), /big output/);
  const stale = {
    ...lean,
    cells: [...lean.cells, { id: 'new', cell_type: 'code' as const, source: '', metadata: {}, execution_count: null, outputs: [] }],
  };
  await assert.rejects(files.save(p, stale, reread.mtimeMs, false, { keepOutputs: ['new'] }), isErr('stale-outputs'));
});

test('saves in a row reuse the last read of the file and give what a fresh read gives', async () => {
  const { work, files } = setup();
  const p = join(work, 'row.ipynb');
  copyFileSync(join(import.meta.dirname, '..', 'fixtures', 'nbformat', 'test4plus.ipynb'), p);
  const opened = await files.open(p);
  let doc = opened.doc;
  let mtime = opened.mtimeMs;
  for (const n of [1, 2, 3]) {
    doc = { ...doc, cells: doc.cells.map((c, i) => (i === 0 ? { ...c, source: `${c.source}\n# edit ${n}` } : c)) };
    const res = await files.save(p, doc, mtime, false);
    assert.equal(res.written, true);
    mtime = res.mtimeMs;
    // Unchanged after the save: nothing written.
    assert.equal((await files.save(p, doc, mtime, false)).written, false);
  }
  const fresh = await new NotebookFiles(join(work, 'other-data'), () => undefined).open(p);
  assert.deepEqual(fresh.doc, doc);
  assert.match(readFileSync(p, 'utf8'), /"# edit 1\\n",\s*"# edit 2\\n",\s*"# edit 3"/);
});
