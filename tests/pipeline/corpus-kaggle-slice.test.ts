// Imports a real slice of the Kaggle crawl (three datasets) and checks the counts against the files themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKaggleCorpus } from '../../pipeline/corpus-cache.ts';
import { CorpusStore } from '../../pipeline/corpus/store.ts';
import { importKaggleCrawl } from '../../pipeline/corpus/importers/kaggle-crawl.ts';
import { ImportSession } from '../../pipeline/corpus/importers/session.ts';
import { prepareStats } from '../../pipeline/corpus/importers/prepare.ts';
import { tempDir } from './fixtures.ts';

const SLICE = ['20-newsgroups-ciphertext-challenge', 'LANL-Earthquake-Prediction', 'world-bank-projects-operations'];
const utf8 = new TextDecoder('utf-8', { fatal: true });

test('imports a real slice of the Kaggle crawl with its empty, Windows-1252 and copied notebooks', async (t) => {
  const datasets = join(ensureKaggleCorpus(), 'datasets');
  // Independent counts straight from the files.
  let files = 0;
  let empty = 0;
  let cp1252 = 0;
  for (const slug of SLICE) {
    for (const name of readdirSync(join(datasets, slug, 'kernels'))) {
      const bytes = readFileSync(join(datasets, slug, 'kernels', name));
      files++;
      if (bytes.toString('utf8').trim() === '') empty++;
      else {
        try {
          utf8.decode(bytes);
        } catch {
          cp1252++;
        }
      }
    }
  }
  assert.ok(empty > 0 && files > 100);

  const store = CorpusStore.open(join(tempDir(t), 'slice.sqlite'));
  t.after(() => store.close());
  const session = new ImportSession(store);
  await importKaggleCrawl(
    SLICE.map((s) => join(datasets, s)),
    session,
  );
  const s = session.summary();
  // LANL has over 50 files, so its notebooks are parsed and scanned in worker threads.
  assert.ok(prepareStats.inWorkers >= 100, `worker-prepared files: ${prepareStats.inWorkers}`);
  assert.equal(prepareStats.inWorkers + prepareStats.inProcess, files);
  assert.equal(s.notebooks + s.bad_files, files, 'every file is either imported or named as bad');
  assert.equal(s.bad.filter((b) => b.reason.startsWith('empty')).length, empty);
  assert.equal(s.sources, SLICE.length);
  assert.ok(s.duplicates > 0, 'the slice holds forks');
  const stats = store.stats();
  assert.equal(stats.notebooks, s.notebooks);
  assert.equal(stats.codeCells, s.code_cells);
  const distinct = store.db.prepare('SELECT count(DISTINCT content_hash) FROM notebooks').pluck().get() as number;
  assert.ok(distinct <= s.notebooks - s.duplicates + 1);
  if (cp1252 > 0) {
    const encodedOk = store.db.prepare("SELECT count(*) FROM cells WHERE source LIKE '%�%'").pluck().get() as number;
    assert.equal(encodedOk, 0, 'Windows-1252 files decode without replacement characters');
  }
  assert.ok(store.search({ api: 'pandas.read_csv', source: 'LANL-Earthquake-Prediction' }).length > 0);
  assert.equal(store.getSource('LANL-Earthquake-Prediction')!.kind, 'competition');
  t.diagnostic(
    `files ${files}, empty ${empty}, cp1252 ${cp1252}, notebooks ${s.notebooks}, duplicates ${s.duplicates}, code cells ${s.code_cells}, ` +
      `${s.notebooks_per_s} notebooks/s`,
  );
});
