// The next-line metric's pieces in TypeScript: call keys equal to the Python reference, same-code, rendering rules, n-gram, trees, feedback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '../../pipeline/corpus-cache.ts';
import { walkNotebook } from '../../ml/recommender/notebook-state.ts';
import { keyOfText, topStatements } from '../../ml/recommender/call-key.ts';
import { sameCode } from '../../ml/recommender/same-code.ts';
import { renderTemplate } from '../../ml/recommender/render.ts';
import { KeyNgram } from '../../ml/recommender/key-ngram.ts';
import { Gbdt } from '../../ml/recommender/gbdt.ts';
import { emptyFeedback, feedbackBias, recordFeedback } from '../../ml/recommender/feedback.ts';

/** Statements chosen for the reference's corners: aliases, chains, relative and future imports, nested calls, failures. */
const NOTEBOOK = [
  'import pandas as pd\nimport numpy as np, os.path\nfrom sklearn.model_selection import train_test_split as tts\nfrom __future__ import division',
  "df = pd.read_csv('../input/train.csv')\ndf.groupby('a').mean().reset_index()\nX, y = tts(df.drop('y', axis=1), df.y)",
  '%matplotlib inline\n!pip install x\nprint(f"{len(df)} rows")\n(df.a).plot()\nnp.random.seed(0); os.path.join("a", "b")',
  'from . import helpers\nfrom .utils import load as ld\nld(1)\nhelpers.run()',
  '@dec(3)\ndef f(x):\n    return g(x) + np.log(x)\nlambda_ = (lambda a: a)(2)\nf(df)[0].apply(str)',
  '  indented = 1\nx = 2',
  'print "python 2"',
  'from m import (a,\n    b as c)\nc.d.e()\na()\nfrom m import *',
  'for i in range(3):\n    df.head(i)\nwith open("f.txt") as fh:\n    fh.read()\nclass A(B):\n    def m(self): return self.n()',
];

test('call keys equal the metric reference (nextline_keys.py) statement by statement', (t) => {
  const specs = join(sharedDir(), 'specs', 'nextline_keys.py');
  if (!existsSync(specs) || !existsSync('/usr/bin/python3')) return t.skip(`no reference at ${specs} or no /usr/bin/python3`);
  const ours: string[] = [];
  walkNotebook(
    NOTEBOOK.map((source) => ({ source })),
    (s) => ours.push(`${s.cell}|${s.key}`),
  );
  const py = spawnSync('/usr/bin/python3', ['scripts/recommender/reference-keys.py'], {
    input: JSON.stringify(NOTEBOOK) + '\n',
    env: { ...process.env, GDS_SPECS: join(sharedDir(), 'specs') },
  });
  assert.equal(py.status, 0, py.stderr.toString());
  const ref = (JSON.parse(py.stdout.toString()) as Array<[number, number, string]>).map((r) => `${r[0]}|${r[2]}`);
  assert.deepEqual(ours, ref);
  assert.ok(ref.includes('1|.groupby .mean .reset_index'), 'chains sort by position, then name');
  assert.ok(!ref.some((r) => r.startsWith('5|') || r.startsWith('6|')), 'indented and Python 2 cells have no positions');
});

test('a suggestion is keyed with the aliases at its position', () => {
  const aliases = new Map([
    ['pd', 'pandas'],
    ['tts', 'sklearn.model_selection.train_test_split'],
  ]);
  // Calls starting at the same place sort by name, as the reference does.
  assert.deepEqual(keyOfText("pd.read_csv('a.csv').head()", aliases), ['.head', 'pandas.read_csv']);
  assert.deepEqual(keyOfText('a, b = tts(X)', aliases), ['sklearn.model_selection.train_test_split']);
  assert.equal(keyOfText('df.head(', aliases), null);
  assert.equal(topStatements('    x = 1'), null);
});

test('same code: quotes, spaces, parentheses and comments aside', () => {
  assert.ok(sameCode("df = pd.read_csv('a.csv')", 'df=pd.read_csv("a.csv")  # load'));
  assert.ok(sameCode('x = (a + b)', 'x = a + b'));
  assert.ok(!sameCode('x = a + b', 'x = a - b'));
  assert.ok(!sameCode("df.drop('a')", "df.drop('b')"));
  assert.ok(!sameCode('df.head(', 'df.head('));
});

function stateOf(cells: string[]) {
  return walkNotebook(cells.map((source) => ({ source })));
}

test('rendering uses the user names and refuses unknown names, clobbered variables and re-reads', () => {
  const state = stateOf(["import pandas as pd\nmodel = 5\ntrain = pd.read_csv('../input/train.csv')"]);
  const ctx = { state };
  assert.equal(renderTemplate('⟦v:0:df⟧.head()', '.head', ctx), 'train.head()');
  assert.equal(renderTemplate('⟦v:0:train⟧.describe()', '.describe', ctx), 'train.describe()');
  // A name the corpus introduced that the user already has, given an unrelated value: not offered.
  assert.equal(renderTemplate('⟦n:model⟧ = ⟦l:pandas.DataFrame⟧()', 'pandas.DataFrame', ctx), undefined);
  // An unknown variable is never named.
  assert.equal(renderTemplate('⟦n:X_train⟧.shape', '', ctx), undefined);
  // Reading the same file again is the chip the issue saw; a sibling file in the same folder is fine.
  assert.equal(renderTemplate('⟦n:test⟧ = ⟦l:pandas.read_csv⟧(⟦p:"../input/train.csv"⟧)', 'pandas.read_csv', ctx), undefined);
  assert.equal(
    renderTemplate('⟦n:test⟧ = ⟦l:pandas.read_csv⟧(⟦p:"data/test.csv"⟧)', 'pandas.read_csv', ctx),
    "test = pd.read_csv('../input/test.csv')",
  );
  // Columns come from the kernel when it knows them, never invented.
  assert.equal(renderTemplate('⟦v:0:df⟧[⟦c:"Age"⟧].hist()', '.hist', { state, columns: ['Fare', 'Age'] }), "train['Age'].hist()");
  assert.equal(renderTemplate('⟦v:0:df⟧[⟦c:"Age"⟧].hist()', '.hist', ctx), undefined);
  // A site-specific file of the corpus is not guessed; with the host's file list, only files that exist are named.
  assert.equal(renderTemplate('⟦n:w⟧ = ⟦l:pandas.read_csv⟧(⟦p:"../input/winemag-data.csv"⟧)', 'pandas.read_csv', ctx), undefined);
  assert.equal(
    renderTemplate('⟦n:w⟧ = ⟦l:pandas.read_csv⟧(⟦p:"../input/winemag-data.csv"⟧)', 'pandas.read_csv', { state, files: ['data/winemag-data.csv'] }),
    "w = pd.read_csv('data/winemag-data.csv')",
  );
  assert.equal(
    renderTemplate('⟦n:t⟧ = ⟦l:pandas.read_csv⟧(⟦p:"../input/test.csv"⟧)', 'pandas.read_csv', { state, files: ['../input/train.csv'] }),
    undefined,
  );
  // A corpus name the user lacks maps to the user's name sharing its words, the same one each time.
  const split = stateOf(['X_train, X_test = 1, 2', 'model = 3']);
  assert.equal(renderTemplate('⟦v:0:m⟧.predict(⟦v:3:test_X⟧) + ⟦v:3:test_X⟧', '.predict', { state: split }), 'model.predict(X_test) + X_test');
  // A library the user did not import cannot be written.
  assert.equal(renderTemplate('⟦l:seaborn.countplot⟧(x=⟦v:0:df⟧)', 'seaborn.countplot', ctx), undefined);
  // Two corpus names are two user names: the rank that would repeat `model` moves on to the next name by recency.
  const fitted = stateOf(['X_valid = 1', 'model = 2']);
  assert.deepEqual(fitted.known.slice(0, 2), ['model', 'X_valid']);
  assert.equal(renderTemplate('⟦n:pred⟧ = ⟦v:1:model⟧.predict(⟦v:0:gru⟧)', '.predict', { state: fitted }), 'pred = model.predict(X_valid)');
  // A name the user has keeps it even when an earlier hole's rank points at it.
  assert.equal(renderTemplate('⟦v:0:reg⟧.fit(⟦v:1:model⟧)', '.fit', { state: fitted }), 'X_valid.fit(model)');
  // Nor a name the template writes out: a call of the user's own function does not pass the function to itself.
  const own = stateOf(['X_tr = 1\ny_tr = 2', 'def svr_code(model, X):\n    return model, X']);
  assert.deepEqual(own.known.slice(0, 3), ['svr_code', 'y_tr', 'X_tr']);
  assert.equal(renderTemplate('svr_code(⟦v:0:a⟧, ⟦v:1:b⟧)', 'svr_code', { state: own }), 'svr_code(y_tr, X_tr)');
});

test('key n-gram: interpolated probabilities, evidence counts and a lossless round trip', () => {
  const m = new KeyNgram(3);
  for (let i = 0; i < 10; i++) {
    m.add(['<s>', 'a'], 'b');
    m.add(['a', 'b'], i < 7 ? 'c' : 'd');
  }
  const p = m.predict(['a', 'b'], 5);
  assert.equal(p[0]?.key, 'c');
  assert.equal(p[0]?.count, 7);
  assert.equal(p[0]?.total, 10);
  const total = m.vocab.reduce((a, k) => a + m.prob(['a', 'b'], k).p, 0);
  assert.ok(total <= 1.000001 && total > 0.9, `probabilities sum to ${total}`);
  const back = KeyNgram.fromJson(JSON.parse(JSON.stringify(m.toJson())));
  assert.deepEqual(back.predict(['a', 'b'], 5), p);
  assert.deepEqual(
    m.predictOrder(['x'], 1, 2).map((s) => s.key),
    ['b', 'c'],
  );
});

test('boosted trees walk thresholds and missing values as scikit-learn does', () => {
  const g = new Gbdt({
    kind: 'gbdt',
    features: ['a', 'b'],
    baseline: 0.5,
    trees: [
      {
        feature: [0, -1, 1, -1, -1],
        threshold: [1, 0, 2, 0, 0],
        left: [1, 0, 3, 0, 0],
        right: [2, 0, 4, 0, 0],
        value: [0, -1, 0, 2, 3],
        missingLeft: [1, 0, 0, 0, 0],
      },
    ],
  });
  assert.equal(g.margin([1, 0]), -0.5);
  assert.equal(g.margin([5, 2]), 2.5);
  assert.equal(g.margin([5, 9]), 3.5);
  assert.equal(g.margin([Number.NaN, 9]), -0.5);
});

test('feedback: accepts raise a key, dismissals lower it, within bounds', () => {
  let f = emptyFeedback();
  for (let i = 0; i < 10; i++) f = recordFeedback(f, 'pandas.read_csv', 'accept');
  f = recordFeedback(f, '.head', 'dismiss');
  const bias = feedbackBias(f);
  assert.equal(bias.get('pandas.read_csv'), 3);
  assert.ok((bias.get('.head') ?? 0) < 0);
});
