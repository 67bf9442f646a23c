// The key recommender end to end on a small trained model: counts → files → loadRecommender → suggestions, evidence, feedback replay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainKeyRecommender } from '../../pipeline/training/recommender/train-keys.ts';
import type { RecNotebook } from '../../pipeline/training/recommender/corpus-notebooks.ts';
import { loadRecommender } from '../../ml/recommender/recommender.ts';
import { emptyFeedback, feedbackBias, recordFeedback } from '../../ml/recommender/feedback.ts';
import { keyOfText } from '../../ml/recommender/call-key.ts';

const TITANIC = [
  'import pandas as pd\nimport numpy as np\nfrom sklearn.ensemble import RandomForestClassifier',
  "train = pd.read_csv('../input/train.csv')\ntest = pd.read_csv('../input/test.csv')",
  'train.head()',
  'train.describe()',
  "train['Age'] = train['Age'].fillna(train['Age'].median())",
  "X = train.drop('Survived', axis=1)\ny = train['Survived']",
  'model = RandomForestClassifier(n_estimators=100)\nmodel.fit(X, y)',
  'pred = model.predict(test)',
];

/** Small corpus: the same workflow with variations, in several datasets (templates need two groups). */
function corpus(): RecNotebook[] {
  const out: RecNotebook[] = [];
  for (let i = 0; i < 12; i++) {
    const cells = TITANIC.map((source) => ({ source }));
    if (i % 3 === 0) cells.splice(3, 1, { source: 'train.info()' });
    if (i % 4 === 1) cells.splice(4, 0, { source: 'train.isnull().sum()' });
    out.push({ group: `kaggle:ds${i % 4}`, ref: `nb${i}`, id: `id${i}`, heldOut: false, cells: cells.map((c) => ({ ...c, parses: true })) });
  }
  return out;
}

test('a trained key model suggests valid code in the user names, with corpus evidence, and learns from feedback', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-keys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const manifest = await trainKeyRecommender(corpus(), { outDir: dir, positions: 0, command: 'test', log: () => undefined });
  assert.equal(manifest.format, 'keys-v2');
  const rec = await loadRecommender(dir, { kind: 'ngram-cache' });
  const user = [
    'import pandas as pd\nimport numpy as np\nfrom sklearn.ensemble import RandomForestClassifier',
    "df = pd.read_csv('data/train.csv')\ntest = pd.read_csv('data/test.csv')",
    '',
  ];
  const res = await rec.suggest(user, { top: 5, stage: 'load' });
  assert.equal(res.stage, 'load', "the caller's (badge) stage is the one reported");
  assert.ok(res.suggestions.length >= 2, JSON.stringify(res.suggestions));
  const first = res.suggestions[0]!;
  assert.equal(first.text, 'df.head()', "the user's DataFrame, not the corpus name");
  assert.ok(first.evidence && first.evidence.total >= first.evidence.count && first.evidence.count > 0);
  const aliases = new Map([
    ['pd', 'pandas'],
    ['np', 'numpy'],
    ['RandomForestClassifier', 'sklearn.ensemble.RandomForestClassifier'],
  ]);
  for (const s of res.suggestions) {
    assert.equal(keyOfText(s.text, aliases)?.join(' '), s.key, `${s.text} is keyed as it claims`);
    assert.ok(!/train\b/.test(s.text), `${s.text} names no variable the user lacks`);
  }
  // The app's path (earlier cells' state kept between requests, the typed cell walked fresh) answers as a full walk does.
  const typing = [...user.slice(0, 2), 'df.head()\n'];
  const direct = (cells: string[]) => rec.suggest(cells, { top: 5 });
  const full = await direct(typing);
  await direct([...user.slice(0, 2), 'x = 1\n']);
  assert.deepEqual(await direct(typing), full, 'a cached state gives the same answer');
  assert.deepEqual(await direct(user), res, 'and so does a new cell after other requests');
  // Replay: the user keeps taking the last chip, and keeps waving the first away; both move. A reset puts them back.
  const target = res.suggestions.at(-1)!;
  let fb = emptyFeedback();
  const rankOf = async (key: string) => (await rec.suggest(user, { top: 5, bias: feedbackBias(fb) })).suggestions.findIndex((s) => s.key === key);
  const before = await rankOf(target.key!);
  for (let i = 0; i < 5; i++) fb = recordFeedback(fb, target.key!, 'accept');
  const after = await rankOf(target.key!);
  assert.ok(after < before, `accepted five times: from rank ${before} to ${after}`);
  for (let i = 0; i < 10; i++) fb = recordFeedback(fb, first.key!, 'dismiss');
  assert.ok((await rankOf(first.key!)) !== 0, 'dismissed ten times: no longer the first chip');
  fb = emptyFeedback();
  assert.equal(await rankOf(target.key!), before);
  assert.equal(await rankOf(first.key!), 0);
});

test('a key the notebook already wrote is offered as the notebook wrote it, not as the corpus did', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-keys-own-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await trainKeyRecommender(corpus(), { outDir: dir, positions: 0, command: 'test', log: () => undefined });
  const rec = await loadRecommender(dir, { kind: 'ngram-cache' });
  const user = ['import pandas as pd', "df = pd.read_csv('data/train.csv')\ntest = pd.read_csv('data/test.csv')", 'df.head(10)', 'df.describe()', ''];
  const chips = (await rec.suggest(user, { top: 5 })).suggestions;
  // The corpus wrote `⟦v:1:train⟧.head()`, which here would be `test.head()`.
  assert.deepEqual(chips.filter((s) => s.key === '.head').map((s) => s.text), ['df.head(10)'], JSON.stringify(chips.map((s) => s.text)));
});
