// Notebook context: plots and tables of predictions made in an earlier cell are Model Evaluation (stages.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PredictionFlow, cellFlow, withNotebookContext, type StageProbs } from '../../ml/classifier/notebook-context.ts';
import { withContextByNotebook } from '../../pipeline/training/classifier/labelled-cells-in-context.ts';
import { STAGES, type Stage } from '../../ml/classifier/stages.ts';

function at(stage: Stage): StageProbs {
  const probs = Object.fromEntries(STAGES.map((s) => [s, s === stage ? 0.7 : 0.06])) as Record<Stage, number>;
  return { stage, probs };
}

test('a plot of an earlier cell\'s predictions becomes eval; a plot of the data stays explore', () => {
  const cells = [
    "df = pd.read_csv('train.csv')",
    'model.fit(X_train, y_train)',
    'pre = model.predict(X_test)\nerr = pd.DataFrame({"true": y_test, "pred": pre})',
    "sns.countplot(x='pred', data=err)\nplt.show()",
    "sns.countplot(x='Class', data=df)",
    'err.describe()',
  ];
  const base = [at('load'), at('train'), at('eval'), at('explore'), at('explore'), at('explore')];
  const out = withNotebookContext(cells, base);
  assert.deepEqual(out.map((o) => o.stage), ['load', 'train', 'eval', 'eval', 'explore', 'eval']);
  // Probabilities stay a distribution and agree with the new stage.
  const p = out[3]!.probs;
  assert.ok(Math.abs(STAGES.reduce((a, s) => a + p[s], 0) - 1) < 1e-9);
  assert.equal(STAGES.reduce((best, s) => (p[s] > p[best] ? s : best), STAGES[0]), 'eval');
});

test('taint follows derived names through assignments, subscripts and tuple targets, but not through fit', () => {
  const flow = new PredictionFlow();
  assert.equal(flow.observe(cellFlow('a, b = clf.predict(X), 1')), false);
  assert.equal(flow.observe(cellFlow("sub['target'] = a * 2")), true); // reads a; sub becomes derived
  assert.equal(flow.observe(cellFlow('sub.head()')), true);
  // A cell that fits on predictions (stacking) is doing its own training work.
  assert.equal(flow.observe(cellFlow('meta.fit(sub, y)')), false);
  // Attribute names and keyword names are not variables: `x.a` or `f(a=1)` do not read `a`.
  const fresh = new PredictionFlow();
  fresh.observe(cellFlow('a = m.predict(X)'));
  assert.equal(fresh.observe(cellFlow('df.a.hist(bins=a_bins)')), false);
  assert.equal(fresh.observe(cellFlow('plt.plot(x=1, a=2)')), false);
});

test('cells of several notebooks in any order are grouped by notebook and ordered by position', () => {
  const cells = [
    { notebook: 'n1', order: 2, source: 'plt.hist(p)' },
    { notebook: 'n2', order: 1, source: 'plt.hist(p)' },
    { notebook: 'n1', order: 1, source: 'p = m.predict(X)' },
    { notebook: '', order: 1, source: 'plt.hist(p)' },
  ];
  const out = withContextByNotebook(cells, [at('explore'), at('explore'), at('eval'), at('explore')]);
  assert.deepEqual(out.map((o) => o.stage), ['eval', 'explore', 'eval', 'explore']);
});

test("a call of the notebook's own function does what the function's body does", () => {
  const cells = [
    ['def load_test(path):', '    files = glob.glob(path + "*.png")', '    return np.array([cv2.imread(f) for f in files]), files'].join('\n'),
    "path = '../input/test/'\nx_test, test_id = load_test(path)",
    ['def plot_top(name, n=10):', '    top = weights(name).head(n)', "    plt.barh(top['name'], top['weight'])", '    plt.show()'].join('\n'),
    "plot_top('french')\nplot_top('chinese')",
    // Inside a plot the call serves the plot: no change.
    'plt.plot(values, [plot_top(v) for v in values])',
  ];
  const base = [at('load'), at('prep'), at('explore'), at('prep'), at('explore')];
  const out = withNotebookContext(cells, base);
  assert.deepEqual(out.map((o) => o.stage), ['load', 'load', 'explore', 'explore', 'explore']);
  assert.equal((out[1] as { context?: string }).context, 'calls-notebook-function');
  // A body the rules read as plain preparation tells nothing: its calls keep their own reading.
  const plain = withNotebookContext(['def clean(df):\n    df = df.dropna()\n    return df', 'train = clean(train)'], [at('prep'), at('prep')]);
  assert.equal((plain[1] as { context?: string }).context, undefined);
});

test("a cell's own names do not carry an earlier cell's predictions; rebinding a name clears it", () => {
  const flow = new PredictionFlow();
  flow.observe(cellFlow('x = model.predict(X_val)\nfor i in range(3):\n    img = x[i]'));
  // `x` and `img` are bound anew here before use: bottleneck-free image loading is not evaluation.
  assert.equal(flow.observe(cellFlow('for i, f in enumerate(files):\n    img = read_img(f)\n    x = preprocess_input(img)\n    x_train[i] = x')), false);
  assert.equal(flow.observe(cellFlow('x_train.shape')), false);
  const kill = new PredictionFlow();
  kill.observe(cellFlow('y = clf.predict(X)'));
  assert.equal(kill.observe(cellFlow('print(y[:5])')), true);
  kill.observe(cellFlow("y = train['target']"));
  assert.equal(kill.observe(cellFlow('print(y[:5])')), false);
  // Values the cell derives from earlier predictions pass the taint on to later cells.
  const chain = new PredictionFlow();
  chain.observe(cellFlow('p = m.predict(X_test)'));
  assert.equal(chain.observe(cellFlow("q = p * 2\nsub = pd.DataFrame({'id': ids, 'target': q})")), true);
  assert.equal(chain.observe(cellFlow("sub.to_csv('out.csv')")), true);
});

test('measures of a model made in one cell are judged when shown in a later one; del uses nothing', () => {
  const flow = new PredictionFlow();
  flow.observe(cellFlow("cvs = cross_val_score(clf, X, y, cv=3, scoring='accuracy')"));
  assert.equal(flow.observe(cellFlow('cvs')), true);
  const freed = new PredictionFlow();
  freed.observe(cellFlow('preds = model.predict(X_test)'));
  assert.equal(freed.observe(cellFlow('del preds')), false);
});
