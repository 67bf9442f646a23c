// Training pairs (3 lines → next), rare-token trimming, the top-3-outputs filter and the line n-gram baseline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVocab, keepTopOutputs, linePairs, mineTemplates, trimRare, SPECIALS, START, type Pair } from '../../ml/recommender/pairs.ts';
import { maskNotebook } from '../../ml/recommender/mask.ts';
import { LineNgram } from '../../ml/recommender/ngram.ts';
import { isHeldOut } from '../../pipeline/training/recommender/held-out-split.ts';

const nb = ['import pandas as pd', "df = pd.read_csv('a.csv')\ndf.head()", "df.info()\ndf.describe()"];

test('pairs: last 3 lines → next line, stage of the cell holding the last context line', () => {
  const pairs = linePairs(maskNotebook(nb).lines, ['import', 'load', 'explore']);
  assert.equal(pairs.length, 5);
  assert.deepEqual(pairs[0]?.input, [START]);
  assert.deepEqual(pairs[0]?.output, ['import', 'pandas']);
  assert.equal(pairs[1]?.stage, 'import');
  assert.equal(pairs[3]?.stage, 'load');
  assert.deepEqual(pairs[4]?.input, ['var0', '=', 'pandas.read_csv', '|', 'var0', '.head', '|', 'var0', '.info']);
  assert.deepEqual(pairs[4]?.output, ['var0', '.describe']);
  assert.equal(pairs[4]?.template, '⟦v:0⟧.describe()');
});

const pair = (input: string, output: string): Pair => ({ input: input.split(' '), output: output.split(' '), template: '', stage: 'explore' });

test('vocabulary keeps tokens seen at least 3 times; pairs with a rare target are dropped', () => {
  const pairs = [pair('a', 'x'), pair('a', 'x'), pair('a', 'y')];
  const vocab = buildVocab(pairs);
  assert.deepEqual(vocab.slice(SPECIALS.length), ['a']);
  assert.equal(trimRare(pairs, new Map(vocab.map((t, i) => [t, i]))).length, 0);
});

test('top-3 filter keeps only the 3 most common outputs per input', () => {
  const pairs = ['x', 'x', 'x', 'y', 'y', 'z', 'z', 'w'].map((o) => pair('a', o));
  const kept = keepTopOutputs(pairs).map((p) => p.output[0]);
  assert.deepEqual([...new Set(kept)].sort(), ['x', 'y', 'z']);
  assert.equal(kept.length, 7);
});

test('templates: most common argument pattern per masked line', () => {
  const t = mineTemplates([{ ...pair('a', 'v .head'), template: 'A' }, { ...pair('b', 'v .head'), template: 'B' }, { ...pair('c', 'v .head'), template: 'B' }]);
  assert.equal(t['v .head'], 'B');
});

test('n-gram predicts the most frequent continuation, backing off to shorter contexts', () => {
  const pairs = [pair('p | q', 'r'), pair('p | q', 'r'), pair('p | q', 's'), pair('z | q', 't'), pair('z | q', 't')];
  const ng = LineNgram.fromJson(LineNgram.train(pairs).toJson());
  assert.deepEqual(ng.predict(['p', '|', 'q'], 3).map((x) => x.line), ['r', 's', 't']);
  assert.equal(ng.predict(['unseen'], 1)[0]?.line, 'r');
});

test('held-out split is by dataset slug and deterministic', () => {
  const slugs = Array.from({ length: 200 }, (_, i) => `ds-${i}`);
  const held = slugs.filter((s) => isHeldOut(s));
  assert.deepEqual(held, slugs.filter((s) => isHeldOut(s)));
  assert.ok(held.length > 10 && held.length < 60);
});
