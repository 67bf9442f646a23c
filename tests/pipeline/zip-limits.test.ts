// Zip import has limits (issue #21: a 300 KB zip bomb once took 3.1 GB of memory and a 315 MB database): real bombs,
// built here, are refused by name, and the good notebooks beside them still import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { CorpusStore } from '../../pipeline/corpus/store.ts';
import { importPaths } from '../../pipeline/corpus/importers/index.ts';
import { LGB_CODE, notebookJson, tempDir, write } from './fixtures.ts';

const MB = 1024 * 1024;

interface Entry {
  name: string;
  packed: Buffer;
  crc: number;
  size: number;
  declaredSize?: number;
}

/** A notebook whose one code cell holds `mb` megabytes of one letter, deflated as it streams (never whole in memory). */
async function bombEntry(name: string, mb: number): Promise<Entry> {
  const head = Buffer.from(
    '{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null, "source": "x = \'',
  );
  const tail = Buffer.from('\'"}]}');
  const chunk = Buffer.alloc(MB, 'a');
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => deflate.on('end', r));
  let crc = crc32(head);
  deflate.write(head);
  for (let i = 0; i < mb; i++) {
    crc = crc32(chunk, crc);
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  }
  crc = crc32(tail, crc);
  deflate.end(tail);
  await done;
  return { name, packed: Buffer.concat(out), crc, size: head.length + mb * MB + tail.length };
}

function plainEntry(name: string, text: string): Entry {
  const data = Buffer.from(text);
  return { name, packed: deflateRawSync(data), crc: crc32(data), size: data.length };
}

/** A zip whose headers say `declaredSize` when given (a crafted header that lies), else the true size. */
function writeZip(path: string, entries: Entry[]): string {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const size = e.declaredSize ?? e.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc, 16);
    central.writeUInt32LE(e.packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, e.packed);
    centrals.push(central, name);
    offset += local.length + name.length + e.packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return write(path, Buffer.concat([...parts, cd, end]));
}

async function importZip(t: Parameters<typeof tempDir>[0], entries: Entry[]) {
  const dir = tempDir(t);
  const zip = writeZip(join(dir, 'bomb.zip'), [plainEntry('x/good.ipynb', notebookJson(LGB_CODE)), ...entries]);
  const store = CorpusStore.open(join(dir, 'c.sqlite'));
  t.after(() => store.close());
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const summary = await importPaths(store, [zip]).finally(() => clearInterval(sampler));
  return { zip, summary, store, grewMb: (Math.max(peak, process.memoryUsage().rss) - rssBefore) / MB };
}

test('a 200 MB notebook of one letter in a ~200 KB zip is refused by its declared size, without decompressing it', async (t) => {
  const bomb = await bombEntry('x/bomb.ipynb', 200);
  assert.ok(bomb.packed.length < 1 * MB, `the bomb is small (${bomb.packed.length} bytes)`);
  const { zip, summary, store, grewMb } = await importZip(t, [bomb]);
  assert.equal(summary.notebooks, 1, 'the good notebook beside it imports');
  assert.equal(summary.bad_files, 1);
  assert.equal(summary.bad[0]!.path, `${zip}!x/bomb.ipynb`);
  assert.equal(
    summary.bad[0]!.reason,
    `refused zip entry x/bomb.ipynb in ${zip}: it declares 200.0 MB uncompressed, over the limit of 100.0 MB per notebook`,
  );
  assert.deepEqual(store.search({ query: 'aaaa' }), []);
  assert.ok(grewMb < 100, `memory grew ${grewMb.toFixed(0)} MB`);
});

test('an entry under the size limit that compresses 1000:1 is refused by its ratio', async (t) => {
  const bomb = await bombEntry('x/ratio.ipynb', 20);
  const { zip, summary, grewMb } = await importZip(t, [bomb]);
  assert.equal(summary.notebooks, 1);
  assert.equal(summary.bad.length, 1);
  assert.match(
    summary.bad[0]!.reason,
    new RegExp(
      `^refused zip entry x/ratio\\.ipynb in ${zip.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: it declares a compression ratio of \\d+:1, over the ` +
        `limit of 200:1 \\(a zip bomb\\?\\)$`,
    ),
  );
  assert.ok(grewMb < 60, `memory grew ${grewMb.toFixed(0)} MB`);
});

test('a crafted header that declares 4 KB for 50 MB is stopped as soon as the data passes what it declared', async (t) => {
  const liar = { ...(await bombEntry('x/liar.ipynb', 50)), declaredSize: 4096 };
  const started = Date.now();
  const { zip, summary, grewMb } = await importZip(t, [liar]);
  assert.equal(summary.notebooks, 1);
  assert.equal(summary.bad.length, 1);
  assert.equal(
    summary.bad[0]!.reason,
    `refused zip entry x/liar.ipynb in ${zip}: it holds more data than the 4096 bytes its header declares; stopped reading`,
  );
  assert.ok(grewMb < 40, `memory grew ${grewMb.toFixed(0)} MB`);
  assert.ok(Date.now() - started < 5000);
});
