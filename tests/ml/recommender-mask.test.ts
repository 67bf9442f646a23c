// Masking, import-alias resolution and specialization round trips of the next-line recommender.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskNotebook } from '../../ml/recommender/mask.ts';
import { contextWindow, renumberTarget } from '../../ml/recommender/window.ts';
import { parsesCleanly, renderLibrary, specialize, undefinedNames } from '../../ml/recommender/specialize.ts';

const window = (lines: ReturnType<typeof maskNotebook>['lines']) => contextWindow(lines);

test('masks the report example: var0=pandas.read_csv var0.head', () => {
  const { lines } = maskNotebook(["import pandas as pd\ndf = pd.read_csv('x.csv')\ndf.head()"]);
  const w = contextWindow(lines.slice(1));
  assert.deepEqual(w.input, ['var0', '=', 'pandas.read_csv', '|', 'var0', '.head']);
  assert.deepEqual(w.names, ['df']);
});

test('resolves import aliases, from-imports and nested attributes', () => {
  const { lines, ctx } = maskNotebook([
    'import numpy as np\nfrom sklearn.model_selection import train_test_split as tts\nimport matplotlib.pyplot as plt',
    'a, b = tts(X, y, test_size=0.2)\nnp.random.seed(1)\nplt.show()',
  ]);
  assert.equal(ctx.aliases.get('tts'), 'sklearn.model_selection.train_test_split');
  assert.equal(ctx.aliases.get('plt'), 'matplotlib.pyplot');
  const raw = lines.slice(3).map((l) => l.raw.join(' '));
  assert.deepEqual(raw, ['@a @b = sklearn.model_selection.train_test_split @X @y', 'numpy.random.seed', 'matplotlib.pyplot.show']);
});

test('builtins stay verbatim, literals are dropped from tokens but kept in templates', () => {
  const { lines } = maskNotebook(["df = pd.read_csv('../input/train.csv')\nprint(len(df))"]);
  assert.deepEqual(lines[1]?.raw, ['print', 'len', '@df']);
  assert.match(lines[0]?.template ?? '', /⟦p:"\.\.\/input\/train\.csv"⟧/);
});

test('specialization writes a corpus line back in the user names, aliases, paths and columns', () => {
  const corpus = maskNotebook(["import pandas as pd\ntrain = pd.read_csv('../input/train.csv')\ntrain['Age'].hist()\ntest = pd.read_csv('../input/test.csv')"]);
  const cw = window(corpus.lines.slice(0, 2));
  const hist = renumberTarget(corpus.lines[2]!, cw.names);
  const load = renumberTarget(corpus.lines[3]!, cw.names);
  const user = maskNotebook(["import pandas\ndf = pandas.read_csv('data/houses.csv')\ndf['price'].mean()"]);
  const uw = window(user.lines);
  assert.equal(specialize(hist.template, uw.names, user.ctx), "df['price'].hist()");
  assert.equal(specialize(load.template, uw.names, user.ctx), "test = pandas.read_csv('data/test.csv')");
});

test('round trip: masking a specialized line gives back the masked line', () => {
  const nb = maskNotebook(["import pandas as pd\ndf = pd.read_csv('a.csv')\ndf.info()"]);
  const w = window(nb.lines.slice(0, 2));
  const t = renumberTarget(nb.lines[2]!, w.names);
  const code = specialize(t.template, w.names, nb.ctx);
  assert.equal(code, 'df.info()');
  const again = maskNotebook(["import pandas as pd\ndf = pd.read_csv('a.csv')", code ?? '']);
  assert.deepEqual(renumberTarget(again.lines[2]!, contextWindow(again.lines.slice(0, 2)).names).tokens, t.tokens);
});

test('rejects lines with unknown names, missing imports or syntax errors', () => {
  const { ctx } = maskNotebook(['import pandas as pd\ndf = pd.DataFrame()']);
  assert.deepEqual(undefinedNames('df.merge(other)', ctx), ['other']);
  assert.deepEqual(undefinedNames('[c for c in df.columns]', ctx), []);
  assert.equal(renderLibrary('numpy.mean', ctx.aliases), undefined);
  assert.equal(specialize('⟦l:numpy.mean⟧(⟦v:0⟧)', ['df'], ctx), undefined);
  assert.equal(parsesCleanly('df.head('), false);
  assert.equal(parsesCleanly('df.head()'), true);
});
