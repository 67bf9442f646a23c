// The classifier's stage in the ranking (issue #20): one stage source for the badge and the suggestions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CachedClassifier } from '../../ml/classifier/cached-classifier.ts';
import { loadClassifier } from '../../ml/classifier/classifier.ts';
import type { Stage } from '../../ml/classifier/stages.ts';
import { FEATURES, rankKeys } from '../../ml/recommender/key-ranker.ts';
import { keyRecommender, loadKeyModels } from '../../ml/recommender/key-recommender.ts';
import { KeyStages, type KeyStagesJson } from '../../ml/recommender/key-stages.ts';
import { walkNotebook } from '../../ml/recommender/notebook-state.ts';
import { KeyStageCounter } from '../../pipeline/training/recommender/key-stage-counts.ts';
import { keepWholePositions, trainKeyRecommender } from '../../pipeline/training/recommender/train-keys.ts';

const feature = (f: number[], name: string) => f[FEATURES.indexOf(name as (typeof FEATURES)[number])]!;

function counted(): KeyStagesJson {
  const c = new KeyStageCounter();
  const keys = [
    { cell: 0, key: 'import:pandas' },
    { cell: 2, key: '.head' },
    { cell: 3, key: '.fit' },
  ];
  for (let i = 0; i < 10; i++) c.addNotebook(['import', undefined, 'explore', 'train'], keys);
  c.addNotebook(['import', 'explore'], [{ cell: 1, key: 'rare.call' }]);
  const json = c.toJson();
  assert.deepEqual(json.cells, [11, 0, 11, 0, 10, 0], 'non-empty cells per stage (import, load, explore, prep, train, eval)');
  assert.equal(json.transitions[2]![4], 10, 'explore → train ten times; the empty cell between is skipped');
  assert.equal(json.transitions[0]![2], 11);
  assert.deepEqual(json.byKey['.fit'], [0, 0, 0, 0, 10, 0]);
  assert.equal(json.byKey['rare.call'], undefined, 'keys used fewer than 5 times are not kept');
  return json;
}

test('where keys sit in the stages: smoothed share, lift over the prior, and the chance the next stage is theirs', () => {
  const stages = new KeyStages(counted());
  const [s, p, lift, next] = stages.features('.fit', 'train');
  assert.equal(s, 4);
  const prior = 10 / 32;
  assert.ok(Math.abs(p! - (10 + 3 * prior) / 13) < 1e-9, 'smoothed towards the share of train cells');
  assert.ok(Math.abs(lift! - p! / prior) < 1e-9);
  const fromExplore = stages.features('.fit', 'explore');
  assert.ok(fromExplore[1]! < 0.1, '.fit is rarely in an explore cell');
  assert.ok(fromExplore[3]! > 0.7, 'but explore cells are followed by train cells, where .fit is');
  assert.deepEqual(stages.features('never.seen', 'train'), [4, -1, -1, -1]);
  assert.deepEqual(stages.features('.fit', undefined), [-1, -1, -1, -1], 'no classifier: no stage');
  assert.throws(() => new KeyStages({ ...counted(), stages: ['a'] }), /counted in the order a/);
});

test('training counts the stage table with the active classifier, and the stage passed with a request steers the reranker', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-stage-features-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const nb = (id: string) => ({
    group: `kaggle:${id}`,
    ref: id,
    id,
    heldOut: false,
    cells: [
      'import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier',
      "df = pd.read_csv('train.csv')",
      'df.head()\ndf.describe()',
      "X = df.drop('y', axis=1)\ny = df['y']\nmodel = RandomForestClassifier(n_estimators=100)\nmodel.fit(X, y)",
    ].map((source) => ({ source, parses: true })),
  });
  const manifest = await trainKeyRecommender(['a', 'b', 'c', 'd', 'e', 'f'].map(nb), {
    outDir: dir,
    positions: 0,
    command: 'test',
    log: () => undefined,
  });
  assert.equal((manifest.stages as { classifier: { name: string } }).classifier.name, 'gds-stage-classifier', 'the bundled classifier');
  for (const d of [dir, join(dir, 'work', 'fold0')]) assert.ok(existsSync(join(d, 'key-stages.json')), `${d} has the stage table`);
  const table = JSON.parse(readFileSync(join(dir, 'key-stages.json'), 'utf8')) as KeyStagesJson;
  assert.deepEqual(table.byKey['.fit'], [0, 0, 0, 0, 6, 0], 'the classifier calls the fit cell a training cell');
  assert.deepEqual(table.byKey['.head'], [0, 0, 6, 0, 0, 0], 'and the head cell an exploration');

  // A reranker that only reads how much a key belongs to the request's stage.
  const at = FEATURES.indexOf('key_stage_p');
  const tree = { feature: [at, -1, -1], threshold: [0.5, 0, 0], left: [1, 0, 0], right: [2, 0, 0], value: [0, -1, 5], missingLeft: [1, 0, 0] };
  writeFileSync(join(dir, 'reranker.json'), JSON.stringify({ kind: 'gbdt', features: [...FEATURES], baseline: 0, trees: [tree] }));
  const rec = keyRecommender(loadKeyModels(dir), 'rerank');
  const cells = [
    'import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier',
    "df = pd.read_csv('train.csv')\ndf.head()\ndf.describe()\nX = df.drop('y', axis=1)\ny = df['y']\nmodel = RandomForestClassifier()\nmodel.fit(X, y)",
    '',
  ];
  // `X = df.drop(...)` and `model = RandomForestClassifier()` would rebind the user's names: of the training keys
  // only `.fit` is offered.
  const first = (stage: Stage) => rec.suggest(cells, { top: 1, stage })[0]?.key;
  assert.equal(first('train'), '.fit');
  assert.ok(['.head', '.describe'].includes(first('explore') ?? ''), 'a key of exploration cells first');
  const state = walkNotebook(cells.slice(0, 2).map((source) => ({ source })));
  const fit = rankKeys(loadKeyModels(dir).models, { state, first: true, stage: 'train' }).find((c) => c.key === '.fit')!;
  assert.equal(feature(fit.features, 'stage'), 4);
  assert.equal(fit.features.length, FEATURES.length);
});

test("a request's stage is the badge of the last non-empty cell, in notebook context", async () => {
  const clf = await loadClassifier();
  const cached = new CachedClassifier(clf);
  assert.equal(await cached.stageAfter([]), 'import', 'nothing written yet');
  assert.equal(await cached.stageAfter(['', '  ']), 'import');
  const cells = ['import pandas as pd', "df = pd.read_csv('train.csv')", 'model.fit(X_train, y_train)'];
  const badges = await clf.classifyNotebook(cells);
  assert.equal(await cached.stageAfter([...cells, '']), badges.at(-1)!.stage, 'a new cell: the badge of the cell above');
  assert.equal(await cached.stageAfter([cells[0]!, '', cells[1]!]), (await clf.classifyNotebook([cells[0]!, cells[1]!])).at(-1)!.stage);
});

test('a resumed training keeps the reranker rows an interrupted run wrote, up to the last whole position', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-rows-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'reranker.tsv');
  const row = (pos: number, label: number) => [pos, label, ...FEATURES.map(() => 0.5)].join('\t');
  const header = ['position', 'label', ...FEATURES].join('\t');
  // Position 2 was being written when the run stopped: one whole row, then half of one.
  const written = [header, row(0, 1), row(0, 0), row(1, 0), row(1, 1), row(2, 0), row(2, 1).slice(0, 9)].join('\n');
  writeFileSync(file, written);
  assert.equal(await keepWholePositions(file), 2);
  assert.equal(readFileSync(file, 'utf8'), [header, row(0, 1), row(0, 0), row(1, 0), row(1, 1)].join('\n') + '\n');
  // Rows of an older feature list are not reused: the run writes them again.
  const old = [['position', 'label', ...FEATURES.slice(0, -4)].join('\t'), row(0, 1)].join('\n');
  writeFileSync(file, old);
  assert.equal(await keepWholePositions(file), null);
  assert.equal(readFileSync(file, 'utf8'), old, 'left as it was');
});
