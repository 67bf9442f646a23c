// Candidates beyond the n-grams (issue #20): calls of the notebook's own functions, and keys that share notebooks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyCooc } from '../../ml/recommender/key-cooc.ts';
import { KeyNgram } from '../../ml/recommender/key-ngram.ts';
import { FEATURES, rankKeys, type KeyModels } from '../../ml/recommender/key-ranker.ts';
import { keyRecommender, loadKeyModels } from '../../ml/recommender/key-recommender.ts';
import { walkNotebook } from '../../ml/recommender/notebook-state.ts';
import { KeyCoocCounter } from '../../pipeline/training/recommender/key-cooc-counts.ts';
import { trainKeyRecommender } from '../../pipeline/training/recommender/train-keys.ts';

const empty = (): KeyModels => ({ ngram: new KeyNgram(4), cellNgram: new KeyNgram(4), stats: { repeat: {}, opens: {} } });
const feature = (f: number[], name: string) => f[FEATURES.indexOf(name as (typeof FEATURES)[number])]!;

const DEF = 'def summarize(frame, top=5):\n    return frame.describe().head(top)';

test("the notebook's own functions are candidates, with when they were defined and how often called", () => {
  const state = walkNotebook([{ source: DEF }, { source: "import pandas as pd\ndf = pd.read_csv('a.csv')" }]);
  assert.equal(state.functions.get('summarize')?.template.replace(/[⟦⟧]/g, '|'), 'summarize(|v:0:frame|)', 'defaults left out');
  const fresh = rankKeys(empty(), { state, first: true }, { extra: true }).find((c) => c.key === 'summarize');
  assert.ok(fresh, 'an uncalled own function is a candidate');
  assert.equal(feature(fresh.features, 'own_fn'), 1);
  assert.equal(feature(fresh.features, 'own_fn_calls'), 0);
  assert.equal(feature(fresh.features, 'own_fn_age'), Math.log1p(3), 'three statements ago');
  assert.ok(!rankKeys(empty(), { state, first: true }, { extra: false }).some((c) => c.key === 'summarize'), 'the baselines stay n-grams');
  const called = walkNotebook([{ source: DEF }, { source: 'summarize(df)\nx = summarize(df)' }]);
  const again = rankKeys(empty(), { state: called, first: true }, { extra: true }).find((c) => c.key === 'summarize');
  assert.equal(again && feature(again.features, 'own_fn_calls'), 2);
  const rebound = walkNotebook([{ source: DEF }, { source: 'summarize = None' }]);
  assert.equal(rebound.functions.size, 0, 'a name bound again is no function any more');
  assert.equal(walkNotebook([{ source: DEF }]).clone().functions.size, 1, 'clone keeps them');
});

test("a chip calling the user's function fills its parameters with the user's names", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-own-fn-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The corpus once wrote `summarize(...)` differently: the notebook's own definition wins.
  const nb = (id: string, source: string) => ({ group: `kaggle:${id}`, ref: id, id, heldOut: false, cells: [{ source, parses: true }] });
  await trainKeyRecommender([nb('a', 'summarize(42, verbose=True)'), nb('b', 'summarize(7, verbose=True)')], {
    outDir: dir,
    positions: 0,
    command: 'test',
    log: () => undefined,
  });
  // A reranker that reads every feature and prefers the notebook's own functions.
  const at = FEATURES.indexOf('own_fn');
  const tree = { feature: [at, -1, -1], threshold: [0.5, 0, 0], left: [1, 0, 0], right: [2, 0, 0], value: [0, -1, 5], missingLeft: [1, 0, 0] };
  writeFileSync(join(dir, 'reranker.json'), JSON.stringify({ kind: 'gbdt', features: [...FEATURES], baseline: 0, trees: [tree] }));
  const rec = keyRecommender(loadKeyModels(dir), 'rerank');
  const chips = rec.suggest([DEF, "import pandas as pd\ndf = pd.read_csv('a.csv')", ''], { top: 3 });
  assert.equal(chips[0]?.text, 'summarize(df)');
  assert.equal(chips[0]?.key, 'summarize');
});

test('keys that share notebooks: P(key | a key of the notebook), averaged, and the best of them joins the candidates', () => {
  const counter = new KeyCoocCounter();
  for (let i = 0; i < 20; i++) counter.addNotebook(['pandas.read_csv', '.head']);
  for (let i = 0; i < 16; i++) counter.addNotebook(['pandas.read_csv', 'seaborn.heatmap .corr', '']);
  for (let i = 0; i < 3; i++) counter.addNotebook(['rare.call', 'pandas.read_csv']);
  const json = counter.toJson();
  assert.equal(json.notebooks, 39);
  assert.ok(!json.vocab.includes('rare.call') && !json.vocab.includes(''), 'keys in fewer than 15 notebooks are not counted');
  const cooc = new KeyCooc(json);
  assert.equal(cooc.prior('.head'), 20 / 39);
  assert.equal(cooc.prior('rare.call'), -1);
  const s = cooc.scores(['pandas.read_csv']);
  assert.equal(s.seen, 1);
  assert.equal(s.mean.get('.head'), 20 / 39);
  assert.equal(s.mean.get('seaborn.heatmap .corr'), 16 / 39);
  const two = cooc.scores(['pandas.read_csv', '.head']);
  assert.equal(two.mean.get('seaborn.heatmap .corr'), 16 / 39 / 2, 'averaged over the counted keys: .head never shares one');
  assert.equal(two.max.get('seaborn.heatmap .corr'), 16 / 39);

  const state = walkNotebook([{ source: "import pandas as pd\ndf = pd.read_csv('a.csv')" }]);
  const models = { ...empty(), cooc };
  const heat = rankKeys(models, { state, first: true }, { extra: true }).find((c) => c.key === 'seaborn.heatmap .corr');
  assert.ok(heat, 'a key no n-gram proposes comes from the notebooks that share read_csv');
  assert.equal(feature(heat.features, 'co_mean'), 16 / 39);
  assert.equal(feature(heat.features, 'co_rank'), 1, 'second after .head');
  assert.equal(feature(heat.features, 'co_lift'), 1, 'every notebook with a heatmap read a csv, as every notebook did');
  const without = rankKeys(empty(), { state, first: true }, { extra: true })[0];
  assert.equal(without && feature(without.features, 'co_mean'), -1, 'a model folder without the table leaves the columns at -1');
});

test('the markdown above each cell reaches the ranking when cells come as strings (the app and gds suggest)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-md-above-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const nb = (id: string, source: string) => ({ group: `kaggle:${id}`, ref: id, id, heldOut: false, cells: [{ source, parses: true }] });
  const corpus = ['a', 'b', 'c'].map((id) => nb(id, "import pandas as pd\ndf = pd.read_csv('a.csv')\ndf.head()"));
  corpus.push(
    nb('d', "import pandas as pd\ndf = pd.read_csv('a.csv')\ndf.isnull().sum()"),
    nb('e', "import pandas as pd\ndf = pd.read_csv('a.csv')\ndf.isnull().sum()"),
  );
  await trainKeyRecommender(corpus, { outDir: dir, positions: 0, command: 'test', log: () => undefined });
  const at = FEATURES.indexOf('md_topic_hit');
  const tree = { feature: [at, -1, -1], threshold: [0.5, 0, 0], left: [1, 0, 0], right: [2, 0, 0], value: [0, -1, 5], missingLeft: [1, 0, 0] };
  writeFileSync(join(dir, 'reranker.json'), JSON.stringify({ kind: 'gbdt', features: [...FEATURES], baseline: 0, trees: [tree] }));
  const rec = keyRecommender(loadKeyModels(dir), 'rerank');
  const cells = ["import pandas as pd\ndf = pd.read_csv('a.csv')", ''];
  assert.equal(rec.suggest(cells, { top: 1, markdown: ['', '## Missing values'] })[0]?.key, '.isnull .sum');
  assert.notEqual(rec.suggest(cells, { top: 1, markdown: ['', '## A first look'] })[0]?.key, '.isnull .sum');
});
