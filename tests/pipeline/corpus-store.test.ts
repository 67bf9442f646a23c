// Corpus store: migrations, WAL, dedupe, API-call scan with aliases, search ranking and filters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { CorpusStore } from '../../pipeline/corpus/store.ts';
import { MIGRATIONS } from '../../pipeline/corpus/schema.ts';
import { scanCell } from '../../pipeline/corpus/api-scan.ts';
import { ftsQuery } from '../../pipeline/corpus/search.ts';
import { notebookToIpynb } from '../../pipeline/corpus/export.ts';
import { parseNotebookBytes } from '../../pipeline/notebook/read-notebook-file.ts';
import type { NotebookInput } from '../../pipeline/corpus/types.ts';
import { tempDir } from './fixtures.ts';

function nb(key: string, code: string[], extra: Partial<NotebookInput> = {}): NotebookInput {
  return {
    originKey: key,
    ref: `user/${key}`,
    cells: [{ type: 'markdown', source: `# ${key}` }, ...code.map((source) => ({ type: 'code' as const, source }))],
    ...extra,
  };
}

test('migrates to the latest schema in WAL mode and reopens without re-running migrations', (t) => {
  const path = join(tempDir(t), 'c.sqlite');
  CorpusStore.open(path).close();
  const store = CorpusStore.open(path);
  assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table')").pluck().all() as string[];
  for (const name of ['sources', 'notebooks', 'cells', 'cells_fts', 'api_calls', 'cell_stages', 'masked_lines'])
    assert.ok(tables.includes(name), name);
  store.close();
});

test('refuses a database from a newer schema', (t) => {
  const path = join(tempDir(t), 'c.sqlite');
  const db = new Database(path);
  db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  assert.throws(() => CorpusStore.open(path), /newer/);
});

test('resolves import aliases across cells into dotted call names', () => {
  const aliases = new Map<string, string>();
  assert.deepEqual([...scanCell('import pandas as pd\nfrom sklearn.metrics import f1_score as f1, roc_auc_score', aliases).keys()], []);
  const calls = scanCell('%matplotlib inline\ndf = pd.read_csv("a").head()\nf1(y, p)\nroc_auc_score(y, p)\ndf.describe()\nlen(df)', aliases);
  assert.deepEqual([...calls.keys()].sort(), ['pandas.read_csv', 'sklearn.metrics.f1_score', 'sklearn.metrics.roc_auc_score']);
  assert.deepEqual([...scanCell('import os.path\nos.path.join("a", "b")', aliases).keys()], ['os.path.join']);
});

test('quotes every word for FTS5 so code punctuation never breaks a query', () => {
  assert.equal(ftsQuery('read_csv "x" train*'), '"read_csv" "x" "train"*');
  assert.equal(ftsQuery('  '), null);
});

test('dedupes forks by code hash, keeps their rows, and searches text, API use and filters', (t) => {
  const store = CorpusStore.open(join(tempDir(t), 'c.sqlite'));
  t.after(() => store.close());
  const xgb: [string, string, string] = [
    'import xgboost as xgb\nimport pandas as pd',
    "df = pd.read_csv('train.csv')",
    'bst = xgb.train(params, dtrain)',
  ];
  store.writer.upsertSource({ kind: 'competition', slug: 'titanic', title: 'Titanic', tags: ['tabular'], evaluation: 'accuracy' });
  const outcomes = store.transaction((w) => [
    w.insert(nb('a', xgb, { sourceSlug: 'titanic', votes: 50 })),
    w.insert(nb('fork', ['  ' + xgb[0], xgb[1], xgb[2] + '\n\n'], { sourceSlug: 'titanic', votes: 1 })),
    w.insert(nb('b', ['import lightgbm as lgb', 'model = lgb.train(p, d)  # gradient boosting'], { votes: 5 })),
    w.insert(nb('c', ['from xgboost import XGBClassifier', 'XGBClassifier().fit(X, y)'], { votes: 9 })),
    w.insert(nb('a', ['different code, same origin'])),
  ]);
  assert.deepEqual(
    outcomes.map((o) => o.outcome),
    ['added', 'duplicate', 'added', 'added', 'skipped'],
  );
  const s = store.stats();
  assert.equal(s.notebooks, 4);
  assert.equal(s.duplicates, 1);
  assert.equal(s.codeCells, 3 + 2 + 2, 'the fork shares the original cells');

  const fork = store.getNotebook(outcomes[1]!.notebookId)!;
  assert.equal(fork.duplicateOf, outcomes[0]!.notebookId);
  assert.equal(fork.cells.length, 4);
  assert.deepEqual(fork.cells[3]!.apiCalls, ['xgboost.train']);

  const api = store.search({ api: 'xgboost.train' });
  assert.deepEqual(
    api.map((h) => [h.ref, h.cellIndex]),
    [['user/a', 3]],
  );
  assert.match(api[0]!.snippet, /xgb\.train\(/);
  const byModule = store.search({ api: 'xgboost' });
  assert.deepEqual(
    byModule.map((h) => h.ref),
    ['user/a', 'user/c'],
    'votes order API hits',
  );
  assert.deepEqual(store.search({ api: 'xgboost.train', minVotes: 60 }), []);
  assert.equal(store.search({ api: 'xgboost.tr' }).length, 0, 'a prefix of a segment is not a match');

  const text = store.search({ query: 'gradient boosting' });
  assert.equal(text.length, 1);
  assert.equal(text[0]!.ref, 'user/b');
  assert.match(text[0]!.snippet, /«gradient» «boosting»/);
  assert.equal(store.search({ query: 'read_csv' })[0]?.ref, 'user/a');
  const titanic = store.search({ query: 'train', source: 'titanic' });
  assert.ok(titanic.length > 0 && titanic.every((h) => h.source === 'titanic'));
  assert.equal(store.search({ query: 'train', api: 'lightgbm.train' })[0]?.ref, 'user/b');
  assert.equal(store.search({ query: 'XGBClass*' })[0]?.ref, 'user/c');
  assert.equal(store.search({ query: 'train', limit: 1, offset: 1 }).length, 1);

  const cellId = store.search({ api: 'lightgbm.train' })[0]!.cellId;
  store.db.prepare("INSERT INTO cell_stages (cell_id, labeler, stage) VALUES (?, 'test', 'train')").run(cellId);
  assert.deepEqual(
    store.search({ stage: 'train' }).map((h) => h.cellId),
    [cellId],
  );
  assert.deepEqual(
    store.search({ api: 'lightgbm', stage: 'train' }).map((h) => h.cellId),
    [cellId],
  );
  assert.deepEqual(store.search({ api: 'xgboost', stage: 'train' }), []);

  const copy = notebookToIpynb(fork);
  const reread = parseNotebookBytes(Buffer.from(JSON.stringify(copy)));
  assert.deepEqual(
    reread.cells.map((c) => c.source),
    fork.cells.map((c) => c.source),
    'the copy round-trips through the notebook reader',
  );
  assert.equal((copy.metadata.gds as { ref: string }).ref, 'user/fork');

  const src = store.getSource('titanic')!;
  assert.deepEqual([src.kind, src.title, src.tags, src.notebooks], ['competition', 'Titanic', ['tabular'], 2]);
  assert.equal(store.listSources().length, 1);
  assert.equal(store.getNotebook(9999), null);
});

test('codeNotebooks hands training each original with its code cells; duplicates are skipped', (t) => {
  const store = CorpusStore.open(join(tempDir(t), 'c.sqlite'));
  t.after(() => store.close());
  store.writer.upsertSource({ kind: 'dataset', slug: 'iris' });
  store.transaction((w) => {
    w.insert(nb('a', ['import pandas as pd', 'df = pd.read_csv("x")'], { sourceSlug: 'iris', language: 'python', originPath: 'iris/a.ipynb' }));
    w.insert(nb('copy', ['import pandas as pd', 'df = pd.read_csv("x")']));
    w.insert(nb('b', ['print(1)']));
  });
  const got = store.codeNotebooks();
  assert.deepEqual(
    got.map((n) => [n.ref, n.source, n.originPath, n.cells]),
    [
      ['user/a', 'iris', 'iris/a.ipynb', ['import pandas as pd', 'df = pd.read_csv("x")']],
      ['user/b', null, null, ['print(1)']],
    ],
  );
});

test('execution records: picks unexecuted Python originals by votes, runs their code cells, saves verdicts', (t) => {
  const store = CorpusStore.open(join(tempDir(t), 'c.sqlite'));
  t.after(() => store.close());
  const ids = store.transaction((w) => [
    w.insert(nb('low', ['x = 1', '   ', 'print(x)'], { votes: 1 })).notebookId,
    w.insert(nb('high', ['y = 2'], { votes: 9 })).notebookId,
    w.insert(nb('r', ['1 + 1'], { language: 'R', votes: 99 })).notebookId,
  ]);
  const [low, high] = ids as [number, number, number];
  assert.deepEqual(
    store.notebooksToExecute().map((n) => n.ref),
    ['user/high', 'user/low'],
  );
  assert.deepEqual(
    store.notebooksToExecute({ ids: [low] }).map((n) => n.id),
    [low],
  );
  const cells = store.cellsToExecute(low);
  assert.deepEqual(
    cells.map((c) => c.source),
    ['x = 1', 'print(x)'],
  );
  const ran = [
    { cellId: cells[0]!.id, status: 'ok', outputs: [] },
    { cellId: cells[1]!.id, status: 'skipped', outputs: [] },
  ];
  store.saveExecution(low, { status: 'ok', error: null, cells: ran });
  assert.deepEqual(
    store.notebooksToExecute().map((n) => n.id),
    [high],
  );
  assert.deepEqual(
    store.notebooksToExecute({ rerun: true, limit: 1 }).map((n) => n.id),
    [high],
  );
  const saved = store.getNotebook(low)!;
  assert.equal(saved.execStatus, 'ok');
  assert.deepEqual(
    saved.cells.filter((c) => c.type === 'code').map((c) => c.execStatus),
    ['ok', null, 'skipped'],
  );
});

const integrityOk = (store: CorpusStore) => store.db.exec("INSERT INTO cells_fts(cells_fts, rank) VALUES ('integrity-check', 1)");

test('an import leaves the full-text index alone until it ends, then indexes all it added in one go', (t) => {
  const store = CorpusStore.open(join(tempDir(t), 'c.sqlite'));
  t.after(() => store.close());
  store.transaction((w) => w.insert(nb('before', ['df.groupby("city").mean()'])));
  const first = store.deferFullText();
  const second = store.deferFullText(); // a second import at the same time (another process)
  store.transaction((w) => w.insert(nb('during', ['model = Ridge(alpha=0.3).fit(X, y)'])));
  assert.equal(store.search({ query: 'Ridge' }).length, 0, 'not indexed while imports run');
  assert.equal(store.search({ query: 'groupby' }).length, 1, 'what was indexed before stays');
  store.indexDeferred(second);
  assert.deepEqual(store.search({ query: 'Ridge' }).map((h) => h.ref), ['user/during']);
  store.transaction((w) => w.insert(nb('after-second', ['sns.heatmap(corr)'])));
  assert.equal(store.search({ query: 'heatmap' }).length, 0, 'the first import still runs');
  store.indexDeferred(first);
  store.indexDeferred(first); // ending twice changes nothing
  assert.equal(store.search({ query: 'heatmap' }).length, 1);
  assert.equal(store.search({ query: 'Ridge' }).length, 1, 'indexed once, not twice');
  store.transaction((w) => w.insert(nb('later', ['xgb.train(params, dtrain)'])));
  assert.equal(store.search({ query: 'dtrain' }).length, 1, 'with no import running, cells are indexed as they come');
  integrityOk(store);
});

test('cells deleted before they were indexed leave the index intact', (t) => {
  const store = CorpusStore.open(join(tempDir(t), 'c.sqlite'));
  t.after(() => store.close());
  store.transaction((w) => w.insert(nb('kept', ['df.describe()'])));
  const id = store.deferFullText();
  const added = store.transaction((w) => w.insert(nb('gone', ['df.fillna(0)'])));
  store.db.prepare('DELETE FROM cells WHERE notebook_id = ?').run(added.notebookId);
  store.indexDeferred(id);
  store.db.prepare('DELETE FROM cells WHERE notebook_id = (SELECT id FROM notebooks WHERE ref = ?)').run('user/kept');
  assert.equal(store.search({ query: 'describe' }).length, 0);
  integrityOk(store);
});

test('the cells of an import whose process died are indexed when the corpus is next opened', async (t) => {
  const path = join(tempDir(t), 'c.sqlite');
  const store = CorpusStore.open(path);
  const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  const deadPid = Number(dead.stdout.trim());
  store.db.prepare('INSERT INTO fts_deferred (pid, from_cell) VALUES (?, 1)').run(deadPid);
  store.transaction((w) => w.insert(nb('orphan', ['train_test_split(X, y, test_size=0.2)'])));
  assert.equal(store.search({ query: 'train_test_split' }).length, 0);
  store.close();
  const reopened = CorpusStore.open(path);
  t.after(() => reopened.close());
  assert.equal(reopened.search({ query: 'train_test_split' }).length, 1);
  assert.equal(reopened.db.prepare('SELECT count(*) FROM fts_deferred').pluck().get(), 0);
  integrityOk(reopened);
});

test('a deferral with the pid of this process that no import here holds (a pid handed out again) is finished too', (t) => {
  const path = join(tempDir(t), 'c.sqlite');
  const store = CorpusStore.open(path);
  const live = store.deferFullText(); // an import running in this process: left alone
  store.db.prepare('INSERT INTO fts_deferred (pid, from_cell) VALUES (?, 1)').run(process.pid);
  store.transaction((w) => w.insert(nb('reused-pid', ['pd.get_dummies(df)'])));
  store.close();
  const reopened = CorpusStore.open(path);
  t.after(() => reopened.close());
  assert.equal(reopened.search({ query: 'get_dummies' }).length, 1);
  assert.deepEqual(reopened.db.prepare('SELECT id FROM fts_deferred').pluck().all(), [live]);
  reopened.indexDeferred(live);
  integrityOk(reopened);
});

