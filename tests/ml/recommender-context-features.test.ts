// The reranker's notebook-state features (issue #20): unread names, a fit not used yet, the markdown above, the empty cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainKeyRecommender } from '../../pipeline/training/recommender/train-keys.ts';
import { loadKeyModels } from '../../ml/recommender/key-recommender.ts';
import { CONTEXT_FEATURES, contextFeatures } from '../../ml/recommender/context-features.ts';
import { KeyNgram } from '../../ml/recommender/key-ngram.ts';
import { FEATURES, rankKeys } from '../../ml/recommender/key-ranker.ts';
import { walkNotebook, type NotebookCell } from '../../ml/recommender/notebook-state.ts';

const ngram = new KeyNgram(4);

function row(cells: NotebookCell[], key: string): Record<string, number> {
  const state = walkNotebook(cells);
  const values = contextFeatures(ngram, state).of(key);
  assert.equal(values.length, CONTEXT_FEATURES.length);
  return Object.fromEntries(CONTEXT_FEATURES.map((f, i) => [f, values[i]!]));
}

test('a name assigned and not read yet is tracked until something reads it', () => {
  const assigned = walkNotebook([{ source: "import pandas as pd\ndf = pd.read_csv('a.csv')\nX_test = df.drop('y', axis=1)" }]);
  assert.deepEqual([...assigned.unread.keys()], ['X_test'], 'df was read by the drop, X_test not yet');
  assert.equal(assigned.unread.get('X_test')?.key, '.drop');
  const read = walkNotebook([{ source: "import pandas as pd\ndf = pd.read_csv('a.csv')\nX_test = df.drop('y', axis=1)\nprint(X_test)" }]);
  assert.equal(read.unread.size, 0);
  assert.equal(row([{ source: 'x = 1' }], '.head').unread_n, Math.log1p(1));
  assert.equal(row([{ source: 'x = 1\nprint(x)' }], '.head').unread_n, 0);
  assert.equal(row([{ source: 'x = 1\nprint(x)' }], '.head').unread_p, -1, 'no binder to score from');
});

test('a re-bound name is unread again (df = df.dropna() leaves a new df)', () => {
  const s = walkNotebook([{ source: 'df = load()\nprint(df)\ndf = df.dropna()' }]);
  assert.deepEqual([...s.unread.keys()], ['df']);
  assert.equal(s.clone().unread.get('df')?.key, s.unread.get('df')?.key, 'clone keeps it');
});

test('a fitted model not used yet makes predict-like candidates stand out', () => {
  const fitted: NotebookCell[] = [{ source: 'model = make()\nmodel.fit(X, y)' }];
  const f = row(fitted, '.predict');
  assert.equal(f.fit_pending, 1);
  assert.equal(f.uses_fit, 1);
  assert.equal(f.pending_use, 1);
  assert.equal(row(fitted, '.head').pending_use, 0, 'not a predict-like key');
  const used = row([{ source: 'model = make()\nmodel.fit(X, y)\np = model.predict(X)' }], '.predict');
  assert.equal(used.fit_pending, 0);
  assert.equal(used.pending_use, 0);
  const chained = row([{ source: 'model = make()\nmodel.fit(X, y).score(X, y)' }], '.predict');
  assert.equal(chained.fit_pending, 0, 'fit and use in one statement leaves nothing pending');
  assert.equal(row(fitted, '.fit_transform').is_fit, 0, 'fit_transform is no plain fit');
});

test('the markdown above the cell matches candidate keys by words and by topic', () => {
  const corr: NotebookCell[] = [{ source: 'import seaborn as sns' }, { source: '', markdown: '## Correlation heatmap of the features' }];
  const state = walkNotebook(corr);
  assert.match(state.markdown, /Correlation/);
  const hit = contextFeatures(ngram, state).of('seaborn.heatmap .corr');
  const at = (name: string, v: number[]) => v[CONTEXT_FEATURES.indexOf(name as (typeof CONTEXT_FEATURES)[number])]!;
  assert.ok(at('md_hits', hit) >= 2, 'heatmap and corr (a prefix of correlation)');
  assert.ok(at('md_topic_hit', hit) >= 1);
  const miss = contextFeatures(ngram, state).of('pandas.read_csv');
  assert.equal(at('md_hits', miss), 0);
  assert.equal(at('md_topic_hit', miss), 0);
  assert.equal(row([{ source: '', markdown: '## Missing values' }], '.isnull .sum').md_topic_hit, 1, 'topic: missing → isnull');
  assert.equal(row([{ source: '' }], '.isnull .sum').md_topics, 0, 'no markdown, no topic');
});

test('the empty new cell is the reranker feature `first`, and the context features are appended', () => {
  const state = walkNotebook([{ source: 'import pandas as pd\ndf = pd.read_csv("a.csv")\ndf.head()' }]);
  const models = { ngram, cellNgram: new KeyNgram(4), stats: { repeat: {}, opens: {} } };
  const first = FEATURES.indexOf('first');
  const atNew = rankKeys(models, { state, first: true });
  const atMid = rankKeys(models, { state, first: false });
  assert.ok(atNew.length > 0 && atMid.length > 0, 'the notebook\'s own keys are candidates');
  assert.ok(atNew.every((c) => c.features[first] === 1));
  assert.ok(atMid.every((c) => c.features[first] === 0));
  assert.deepEqual(FEATURES.slice(45, 45 + CONTEXT_FEATURES.length), [...CONTEXT_FEATURES], 'after the 45 first shipped');
  assert.ok(atNew.every((c) => c.features.length === FEATURES.length));
});

test('a reranker fitted on fewer, leading features loads; one whose columns differ is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-rerank-cols-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const nb = { group: 'kaggle:a', ref: 'a', id: 'a', heldOut: false, cells: [{ source: 'import pandas as pd\ndf = pd.read_csv("a.csv")', parses: true }] };
  await trainKeyRecommender([nb], { outDir: dir, positions: 0, command: 'test', log: () => undefined });
  const tree = { feature: [-1], threshold: [0], left: [0], right: [0], value: [0.5], missingLeft: [0] };
  const write = (features: string[]) => writeFileSync(join(dir, 'reranker.json'), JSON.stringify({ kind: 'gbdt', features, baseline: 0, trees: [tree] }));
  write(FEATURES.slice(0, 45));
  assert.ok(loadKeyModels(dir).models.reranker, 'the shipped 45-feature reranker still loads');
  write(['p_cell', 'p_plain']);
  assert.throws(() => loadKeyModels(dir), /not a prefix/);
});
