import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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
