// lintNotebook as a whole: findings in notebook order, keys that survive unrelated edits, "ignore", and the worker op
// the editor calls (ml.lint → MlService → inference worker).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingKey, lintNotebook } from '../../ml/guidance/lint.ts';
import { MlService } from '../../main/services/ml-service.ts';

const CELLS = [
  'import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\nfrom sklearn.model_selection import train_test_split',
  "df = pd.read_csv('train.csv')\ny = df['target']\nX = df.drop(columns=['target'])",
  'sc = StandardScaler()\nX = sc.fit_transform(X)',
  'X_train, X_test, y_train, y_test = train_test_split(X, y)\nmodel = LogisticRegression().fit(X_train, y_train)\nprint(model.score(X_test, y_test))',
];
const cells = (sources: string[]) => sources.map((source, i) => ({ id: `c${i}`, source }));

test('a finding names its rule, cell, lines, message, explanation and a key made of the rule and the line', () => {
  const [f, ...rest] = lintNotebook(cells(CELLS));
  assert.deepEqual(rest, []);
  assert.equal(f?.ruleId, 'leak-fit-before-split');
  assert.equal(f?.severity, 'warning');
  assert.deepEqual([f?.cellId, f?.startLine, f?.endLine], ['c2', 2, 2]);
  assert.ok((f?.explanation.length ?? 0) > 100);
  assert.equal(f?.key, findingKey('leak-fit-before-split', 'X = sc.fit_transform(X)'));
});

test('the key survives edits elsewhere and a moved cell; "ignored" hides exactly that finding', () => {
  const key = lintNotebook(cells(CELLS))[0]!.key;
  const moved = [CELLS[0]!, '# a note\nprint(1)', CELLS[1]!, CELLS[2]!.replace('X = ', 'X =  '), CELLS[3]!];
  assert.equal(lintNotebook(cells(moved))[0]?.key, key, 'whitespace and other cells do not change it');
  assert.deepEqual(lintNotebook(cells(CELLS), { ignored: [key] }), []);
  // Editing the line itself is a new finding.
  const edited = [...CELLS.slice(0, 2), 'sc = StandardScaler()\nX = sc.fit_transform(X.values)', CELLS[3]!];
  assert.notEqual(lintNotebook(cells(edited), { ignored: [key] })[0]?.key, undefined);
});

test('a broken or huge cell does not stop the checks of the others', () => {
  const broken = [...CELLS.slice(0, 2), 'def f(:\n  ((((', CELLS[2]!, CELLS[3]!];
  assert.equal(lintNotebook(cells(broken)).filter((f) => f.ruleId === 'leak-fit-before-split').length, 1);
});

test('ml.lint runs in the inference worker and answers like lintNotebook', async () => {
  const ml = new MlService(() => undefined);
  try {
    const found = await ml.lint(cells(CELLS), []);
    assert.deepEqual(found, lintNotebook(cells(CELLS)));
  } finally {
    await ml.dispose();
  }
});

test('a 200-cell notebook: the first run parses every cell, later runs reuse the parse (timed, not asserted)', () => {
  const big = Array.from({ length: 200 }, (_, i) => CELLS[i % CELLS.length]!.replace(/\bX\b/g, `X${i % 50}`) + `\nv${i} = ${i}`);
  lintNotebook(cells(['warm = 1'])); // the parser loads on first use
  let t = performance.now();
  lintNotebook(cells(big));
  const first = performance.now() - t;
  t = performance.now();
  for (let k = 0; k < 5; k++) lintNotebook(cells(big));
  const again = (performance.now() - t) / 5;
  console.log(`200 cells: first ${first.toFixed(1)} ms, cached ${again.toFixed(1)} ms`);
  assert.ok(again < first);
});
