// Importers on real files: crawler layout, folders and zips of .ipynb, JSON-lines shards, Meta Kaggle CSV + Code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CorpusStore } from '../../pipeline/corpus/store.ts';
import { classifyPath, importPaths } from '../../pipeline/corpus/importers/index.ts';
import { parseKernelFileName, parseTags } from '../../pipeline/corpus/importers/kaggle-crawl.ts';
import { prepareFile, prepareFiles, prepareStats, type Prepared } from '../../pipeline/corpus/importers/prepare.ts';
import { LGB_CODE, XGB_CODE, notebookJson, tempDir, write, writeJsonlGz, writeMetaKaggle, writeZip } from './fixtures.ts';

function crawlFixture(root: string): string {
  const ds = join(root, 'kaggle', 'datasets');
  write(
    join(ds, 'titanic', 'meta.json'),
    JSON.stringify({ slug: 'titanic', desc: 'Predict survival', eval: 'Accuracy', tags: "['tabular', \"beginner's\"]" }),
  );
  write(join(ds, 'titanic', 'kernels', '0.78---alice---xgb-start.ipynb'), notebookJson(XGB_CODE));
  // A fork: same code, other markdown and author.
  write(join(ds, 'titanic', 'kernels', 'NULL---bob---xgb-fork.ipynb'), notebookJson([{ md: 'my copy' }, ...XGB_CODE.slice(1)]));
  write(join(ds, 'titanic', 'kernels', 'X---carol---empty.ipynb'), '');
  write(join(ds, 'titanic', 'kernels', 'deeper', '0.5---dan---nested.ipynb'), notebookJson(LGB_CODE));
  // Windows-1252 bytes (é = 0xE9) that are not valid UTF-8, and a null inside a source list.
  const cp = notebookJson([{ md: 'Caf\u00e9 analysis' }, { code: 'x = 1' }])
    .replace('Caf\u00e9', 'Caf\\u00e9')
    .replace('\\u00e9', '\u00e9');
  write(join(ds, 'titanic', 'kernels', '1---eve---cafe.ipynb'), Buffer.from(cp, 'latin1'));
  write(
    join(ds, 'titanic', 'kernels', '2---fay---nulls.ipynb'),
    JSON.stringify({ nbformat: 4, metadata: {}, cells: [{ cell_type: 'code', source: ['import numpy as np\n', null, 'np.zeros(3)'], outputs: [] }] }),
  );
  // The older layout: .txt files instead of meta.json.
  write(join(ds, 'house-prices', 'desc.txt'), 'House prices dataset');
  write(join(ds, 'house-prices', 'tags.txt'), "['real estate']");
  write(join(ds, 'house-prices', 'kernels', 'weird name.ipynb'), notebookJson([{ code: 'import seaborn as sns\nsns.heatmap(c)' }]));
  write(join(ds, 'house-prices', 'kernels', 'broken---x---y.ipynb'), '{"cells": [');
  return join(root, 'kaggle');
}

test('parses crawler file names and Python-style tag lists', () => {
  assert.deepEqual(parseKernelFileName('0.141---inversion---basic-feature-benchmark.ipynb'), {
    score: 0.141,
    author: 'inversion',
    slug: 'basic-feature-benchmark',
  });
  assert.deepEqual(parseKernelFileName('NULL---a---b---c.ipynb'), { score: null, author: 'a', slug: 'b---c' });
  assert.deepEqual(parseKernelFileName('0 attention.ipynb'), { score: null, author: null, slug: '0 attention' });
  assert.deepEqual(parseTags("['chemistry', 'semiconductors']"), ['chemistry', 'semiconductors']);
  assert.deepEqual(parseTags(''), []);
});

test('imports the crawler layout with its mess, idempotently', async (t) => {
  const dir = tempDir(t);
  const crawl = crawlFixture(dir);
  assert.equal(classifyPath(crawl), 'kaggle-crawl');
  const store = CorpusStore.open(join(dir, 'c.sqlite'));
  t.after(() => store.close());
  const progress: number[] = [];
  const s = await importPaths(store, [crawl], { onProgress: (p) => progress.push(p.done), batchSize: 2 });
  assert.equal(s.notebooks, 6);
  assert.equal(s.duplicates, 1);
  assert.equal(s.bad_files, 2);
  assert.deepEqual(s.bad.map((b) => b.path.split('/').pop()).sort(), ['X---carol---empty.ipynb', 'broken---x---y.ipynb']);
  assert.match(s.bad.find((b) => b.path.endsWith('empty.ipynb'))!.reason, /empty/);
  assert.equal(s.code_cells, 3 + 2 + 1 + 1 + 1);
  assert.equal(s.sources, 2);
  assert.equal(progress.at(-1), 8, 'progress reaches the total');

  const titanic = store.getSource('titanic')!;
  assert.deepEqual(
    [titanic.kind, titanic.description, titanic.evaluation, titanic.tags],
    ['competition', 'Predict survival', 'Accuracy', ['tabular', "beginner's"]],
  );
  const house = store.getSource('house-prices')!;
  assert.deepEqual([house.kind, house.description, house.tags], ['dataset', 'House prices dataset', ['real estate']]);

  const alice = store.getNotebook(store.notebookIdByRef('alice/xgb-start')!)!;
  assert.deepEqual([alice.score, alice.author, alice.source], [0.78, 'alice', 'titanic']);
  assert.equal(store.getNotebook(store.notebookIdByRef('bob/xgb-fork')!)!.duplicateOf, alice.id);
  assert.equal(store.notebookIdByRef('dan/nested') !== null, true, 'kernels one folder deeper are found');
  const cafe = store.getNotebook(store.notebookIdByRef('eve/cafe')!)!;
  assert.equal(cafe.cells[0]!.source, 'Caf\u00e9 analysis');
  assert.equal(store.getNotebook(store.notebookIdByRef('fay/nulls')!)!.cells[0]!.source, 'import numpy as np\nnp.zeros(3)');
  assert.deepEqual(
    store.search({ api: 'numpy.zeros' }).map((h) => h.ref),
    ['fay/nulls'],
  );

  const again = await importPaths(store, [crawl]);
  assert.deepEqual([again.notebooks, again.duplicates, again.skipped, again.bad_files], [0, 0, 6, 2]);
  assert.equal(store.stats().notebooks, 6);
});

test('imports a folder and a zip of notebooks, deduping the same code across them', async (t) => {
  const dir = tempDir(t);
  const folder = join(dir, 'mine');
  write(join(folder, 'a.ipynb'), notebookJson(XGB_CODE));
  write(join(folder, 'sub', 'b.ipynb'), notebookJson(LGB_CODE));
  write(join(folder, '.ipynb_checkpoints', 'a-checkpoint.ipynb'), notebookJson(XGB_CODE));
  write(join(folder, 'notes.txt'), 'not a notebook');
  const v3 = {
    nbformat: 3,
    metadata: {},
    worksheets: [
      {
        cells: [
          { cell_type: 'code', input: ['import pandas as pd\n', 'pd.read_json("a")'], outputs: [] },
          { cell_type: 'heading', source: 'Old' },
        ],
      },
    ],
  };
  const zip = writeZip(join(dir, 'nbs.zip'), {
    'x/copy.ipynb': notebookJson(XGB_CODE),
    'x/v3.ipynb': JSON.stringify(v3),
    'x/bad.ipynb': 'nope',
    'x/readme.md': '# hi',
    '__MACOSX/x/._copy.ipynb': 'junk',
  });
  assert.equal(classifyPath(folder), 'notebook-folder');
  assert.equal(classifyPath(zip), 'notebook-zip');
  const store = CorpusStore.open(join(dir, 'c.sqlite'));
  t.after(() => store.close());
  const s = await importPaths(store, [folder, zip]);
  assert.deepEqual([s.notebooks, s.duplicates, s.bad_files], [4, 1, 1]);
  assert.ok(s.bad[0]!.path.endsWith('nbs.zip!x/bad.ipynb'));
  assert.deepEqual(
    store.search({ api: 'pandas.read_json' }).map((h) => h.ref),
    ['nbs/x/v3'],
  );
  const again = await importPaths(store, [zip, folder]);
  assert.deepEqual([again.notebooks, again.skipped], [0, 4]);
  await assert.rejects(importPaths(store, [join(dir, 'missing')]), /no such file or folder/);
  await assert.rejects(importPaths(store, [join(folder, 'notes.txt')]), /cannot import/);
});

test('imports JSON-lines shards with outputs and provenance, naming bad lines', async (t) => {
  const dir = tempDir(t);
  const shard = writeJsonlGz(join(dir, 'notebooks-000.jsonl.gz'), [
    {
      id: 'abc',
      source: 'github:owner/repo',
      path: 'nb/eda.ipynb',
      commit: 'deadbeef',
      kernel_lang: 'python',
      cells: [
        { type: 'markdown', source: '## EDA', outputs: [], execution_count: null },
        {
          type: 'code',
          source: 'import pandas as pd\ndf = pd.read_csv("a.csv")\ndf.shape',
          execution_count: 1,
          outputs: [{ output_type: 'execute_result', text: '(3, 4)' }],
        },
      ],
    },
    '{not json',
    { id: 'def', source: 'github:owner/repo', path: 'nb/none.ipynb' },
  ]);
  const store = CorpusStore.open(join(dir, 'c.sqlite'));
  t.after(() => store.close());
  const s = await importPaths(store, [shard]);
  assert.deepEqual([s.notebooks, s.code_cells, s.bad_files], [1, 1, 2]);
  assert.deepEqual(
    s.bad.map((b) => b.path.split(':').pop()),
    ['2', '3'],
  );
  const nb = store.getNotebook(store.notebookIdByRef('owner/repo/nb/eda')!)!;
  assert.deepEqual(nb.cells[1]!.outputs, [{ output_type: 'execute_result', text: '(3, 4)' }]);
  assert.equal(nb.source, 'github:owner/repo');
  assert.equal(nb.originPath, 'github:owner/repo/nb/eda.ipynb@deadbeef');
  assert.equal((await importPaths(store, [shard])).skipped, 1);
});

test('imports Meta Kaggle Code joined with the Meta Kaggle CSVs', async (t) => {
  const dir = tempDir(t);
  const { csvDir, codeDir } = writeMetaKaggle(dir);
  assert.equal(classifyPath(csvDir), 'meta-kaggle-csv');
  assert.equal(classifyPath(codeDir), 'meta-kaggle-code');
  const store = CorpusStore.open(join(dir, 'c.sqlite'));
  t.after(() => store.close());
  await assert.rejects(importPaths(store, [csvDir]), /Meta Kaggle Code folder/);
  const s = await importPaths(store, [csvDir, codeDir]);
  assert.deepEqual([s.notebooks, s.bad_files, s.sources], [3, 1, 2]);
  assert.ok(s.bad[0]!.path.endsWith('124.ipynb'));
  const alice = store.getNotebook(store.notebookIdByRef('alice/titanic-xgb')!)!;
  assert.deepEqual(
    [alice.title, alice.author, alice.votes, alice.source, alice.language],
    ['Titanic, "XGBoost"\nbaseline', 'Alice, the Analyst', 42, 'titanic', 'python'],
  );
  const bob = store.getNotebook(store.notebookIdByRef('bob/house-lgbm')!)!;
  assert.equal(bob.source, 'bob/house-prices-data');
  assert.deepEqual(store.getSource('titanic')!.tags, ['tabular']);
  assert.equal(store.getSource('titanic')!.evaluation, 'Categorization Accuracy: Share of correct predictions');
  assert.deepEqual([store.getSource('bob/house-prices-data')!.kind, store.getSource('bob/house-prices-data')!.kernelCount], ['dataset', 31]);
  assert.deepEqual(store.getSource('bob/house-prices-data')!.tags.sort(), ['real estate', 'tabular']);
  // A file with no CSV row is still imported, under its version id.
  assert.deepEqual(
    store
      .search({ api: 'pandas.read_csv' })
      .map((h) => h.ref)
      .sort(),
    ['alice/titanic-xgb', 'kernel-version/123'],
  );
  assert.equal((await importPaths(store, [codeDir, csvDir])).skipped, 3);
});

test('prepares files in worker threads in input order, with the same result as on the main thread', async (t) => {
  const dir = tempDir(t);
  const paths = Array.from({ length: 60 }, (_, i) =>
    write(join(dir, `nb-${String(i).padStart(2, '0')}.ipynb`), i === 7 ? '' : notebookJson([{ code: `import numpy as np\nnp.full(${i}, ${i})` }])),
  );
  const before = prepareStats.inWorkers;
  const got: Array<[string, Prepared]> = [];
  for await (const r of prepareFiles(paths, 2, 8)) got.push(r);
  assert.equal(prepareStats.inWorkers - before, 60);
  assert.deepEqual(
    got.map(([p]) => p),
    paths,
  );
  assert.deepEqual(
    got.map(([, r]) => r),
    paths.map((p) => prepareFile(p)),
  );
  assert.equal(got[7]![1].ok, false);
  assert.deepEqual(got[3]![1].ok && got[3]![1].apiCalls, [[['numpy.full', 1]]]);
});
