// Kernel-state hazards read from execution counts. Cells are excerpts of real corpus notebooks with their saved counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counts, fired } from './guidance-helpers.ts';

test('state-out-of-order: a cell that ran before the cell above it that sets what it reads (kaggle wine-reviews, filiberto)', () => {
  const cells = ["import pandas as pd\nreviews = pd.read_csv('../input/wine-reviews/winemag-data-130k-v2.csv', index_col=0)", 'reviews.head()'];
  const [f] = fired('state-out-of-order', cells, counts(4, 2));
  assert.equal(f?.cellId, 'c1');
  assert.match(f?.message ?? '', /In \[2\].*`reviews`.*In \[4\]/);
  // Run in order, or only an import re-run above: nothing to say.
  assert.deepEqual(fired('state-out-of-order', cells, counts(1, 2)), []);
  assert.deepEqual(fired('state-out-of-order', ['import numpy as np', 'x = np.zeros(3)'], counts(9, 2)), []);
  // Colab saves 0 for every cell: no order to read.
  assert.deepEqual(fired('state-out-of-order', cells, counts(0, 0)), []);
});

test('state-defined-below: a name defined only in a cell further down, which ran first (github mGalarnyk Untitled)', () => {
  const cells = ['constant = 1.0 / np.sqrt(2*scipy.pi)', 'constant * np.exp((-3**2) / 2.0)', 'import scipy.integrate as integrate\nimport numpy as np'];
  const found = fired('state-defined-below', cells, counts(53, 57, 12));
  assert.deepEqual(found.map((f) => [f.cellId, f.startLine]), [['c0', 1], ['c1', 1]]);
  assert.match(found[0]!.message, /`np` is defined only in a cell below \(In \[12\]\)/);
});

test('state-defined-below: tuple targets, try-guarded reads, %time assignments and unrun cells do not fire', () => {
  // `fig, ax = plt.subplots()` binds fig; it does not read it (Harvard CS109A lab 5).
  assert.deepEqual(fired('state-defined-below', ['fig, ax = plt.subplots()\nax.plot(x)', 'fig, ax = plt.subplots(figsize=(10,6))'], counts(77, 43)), []);
  // kaggle data-science-bowl-2018, danieleewww: `try: sess.close()` handles a missing sess.
  assert.deepEqual(fired('state-defined-below', [
    'try:\n    sess.close()\nexcept:\n    pass\nsess = init_seeds(0)',
    'sess = init_seeds(1)',
  ], counts(41, 15)), []);
  // ThinkBayes2 hospital3: `%time betapdf = ...` binds betapdf in its own cell.
  assert.deepEqual(fired('state-defined-below', ['%time betapdf = betadist.pdf(X, A, B)\nbetapdf.sum()', 'betapdf /= totals'], counts(138, 113)), []);
  assert.deepEqual(fired('state-defined-below', ['print(df.shape)', "df = pd.read_csv('a.csv')"], counts(null, 1)), []);
  // `%%bash` cells are not Python (training-data-analyst).
  assert.deepEqual(fired('state-defined-below', ['%%bash\nEXPORTDIR=./model/\nls $EXPORTDIR', 'EXPORTDIR = "x"'], counts(23, 21)), []);
});

test('state-stale-edit: a cell edited after it ran while a later run used its result', () => {
  const cells = ["df = pd.read_csv('train.csv')\ndf = df.dropna()", "X = df.drop(columns=['y'])"];
  const edited = [{ executionCount: 3, editedSinceRun: true }, { executionCount: 4 }];
  const [f] = fired('state-stale-edit', cells, edited);
  assert.equal(f?.cellId, 'c0');
  assert.match(f?.message ?? '', /Edited since it ran \(In \[3\]\); In \[4\] used its `df`/);
  // Not edited, edited but never used later, or edited and the user of it ran before: nothing to say.
  assert.deepEqual(fired('state-stale-edit', cells, [{ executionCount: 3 }, { executionCount: 4 }]), []);
  assert.deepEqual(fired('state-stale-edit', [cells[0]!, 'print(1)'], edited), []);
  assert.deepEqual(fired('state-stale-edit', cells, [{ executionCount: 5, editedSinceRun: true }, { executionCount: 4 }]), []);
});
