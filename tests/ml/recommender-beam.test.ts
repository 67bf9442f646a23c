// Beam search over a seq2seq ONNX model (the previously shipped single model, kept as a fixture) and the shipped
// recommender's kinds: distinct, parseable lines that use only defined names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { beamSearch, loadSeq2Seq } from '../../ml/recommender/beam-search.ts';
import { loadRecommender } from '../../ml/recommender/recommender.ts';
import { maskNotebook } from '../../ml/recommender/mask.ts';
import { parsesCleanly, undefinedNames } from '../../ml/recommender/specialize.ts';
import { stageToken } from '../../ml/recommender/pairs.ts';

const dir = fileURLToPath(new URL('../../resources/models/recommender/', import.meta.url));
const seq2seq = fileURLToPath(new URL('../fixtures/seq2seq-single/', import.meta.url));

test('beam search over a seq2seq model returns distinct hypotheses, best first', async () => {
  const model = await loadSeq2Seq(seq2seq);
  const hyps = await beamSearch(model, [stageToken('load'), 'import', 'pandas', '|', 'var0', '=', 'pandas.read_csv'], {
    beam: 8,
    top: 5,
    maxLen: 21,
  });
  assert.ok(hyps.length >= 3);
  assert.equal(new Set(hyps.map((h) => h.tokens.join(' '))).size, hyps.length);
  for (let i = 1; i < hyps.length; i++) assert.ok((hyps[i - 1]?.logp ?? 0) >= (hyps[i]?.logp ?? 0));
  assert.ok(hyps.every((h) => !h.tokens.includes('<unk>') && h.tokens.length <= 21));
});

const contexts: string[][] = [
  [''],
  ['import pandas as pd\nimport numpy as np', "df = pd.read_csv('../input/train.csv')\ndf.head()", ''],
  [
    'import pandas as pd\nfrom sklearn.model_selection import train_test_split',
    "train = pd.read_csv('data/train.csv')\nX = train.drop('Survived', axis=1)\ny = train['Survived']",
    'X_train, X_test, y_train, y_test = ',
  ],
  ['import matplotlib.pyplot as plt\nimport seaborn as sns', "df = pd.read_csv('x.csv')", "sns.countplot(x='Sex', data=df)\nplt."],
];

for (const kind of ['rerank', 'ngram-cache', 'bigram', 'most-frequent'] as const) {
  test(`${kind} suggestions are distinct, parse cleanly and use only defined names`, async () => {
    const rec = await loadRecommender(dir, { kind });
    let total = 0;
    for (const cells of contexts) {
      const r = await rec.suggest(cells, { top: 5 });
      assert.ok(r.suggestions.length <= 5);
      total += r.suggestions.length;
      const texts = r.suggestions.map((s) => s.text);
      assert.equal(new Set(texts).size, texts.length);
      const { ctx } = maskNotebook(cells);
      for (const t of texts) {
        assert.ok(parsesCleanly(t), `does not parse: ${t}`);
        assert.deepEqual(undefinedNames(t, ctx), [], `undefined names in: ${t}`);
      }
    }
    assert.ok(total >= 8, `only ${total} suggestions`);
  });
}

test('the default model suggests the import an empty notebook starts with', async () => {
  const rec = await loadRecommender(dir);
  const r = await rec.suggest([''], { top: 5 });
  assert.ok(
    r.suggestions.some((s) => /^import (pandas as pd|numpy as np)$/.test(s.text)),
    JSON.stringify(r),
  );
});
