// The stacker: features read only earlier cells, weights apply as sklearn fitted them, bad files are refused, the
// bundled model answers with it, and `gds train stacker`'s fit (real Python, real hand labels) round-trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_MODEL_DIR, loadClassifier } from '../../ml/classifier/classifier.ts';
import { classifyByNotebook } from '../../pipeline/training/classifier/labelled-cells-in-context.ts';
import { readGold } from '../../pipeline/training/classifier/gold.ts';
import { LABELING_FUNCTIONS } from '../../ml/classifier/labeling-functions/index.ts';
import { labelledNotebooks } from '../../pipeline/training/classifier/labelled-cells-in-context.ts';
import { fitStacker } from '../../pipeline/training/classifier/fit-stacker.ts';
import {
  StackFeatures,
  cellFeatureNames,
  cellRow,
  checkStacker,
  denseFeatureNames,
  makeStacker,
  readStacker,
  type StackerParams,
} from '../../ml/classifier/stacker.ts';
import { STAGES, type Stage } from '../../ml/classifier/stages.ts';
import { labelSets, pythonScriptsDir } from '../../pipeline/app-paths.ts';

const NOTEBOOK = [
  'import pandas as pd\nfrom sklearn.linear_model import LogisticRegression',
  "train = pd.read_csv('../input/train.csv')",
  'train.describe()',
  "train['Age'] = train['Age'].fillna(train['Age'].median())",
  'model = LogisticRegression()\nmodel.fit(train[features], train.Survived)',
  'gap = y_test - model.predict(test[features])',
  "plt.hist(gap, bins=20)\nplt.title('gap')\nplt.show()",
];

const sum = (p: Record<Stage, number>): number => STAGES.reduce((a, s) => a + p[s], 0);

test('dense features have their names and read only earlier cells', async () => {
  const clf = await loadClassifier(BUNDLED_MODEL_DIR, { stacker: false });
  const sig = await clf.signals(NOTEBOOK);
  const rows = (cells: string[]): number[][] => {
    const f = new StackFeatures();
    return cells.map((s, i) => f.next(s, sig[i]!, clf.mixture(sig[i]!)).dense);
  };
  const all = rows(NOTEBOOK);
  assert.equal(all[0]!.length, denseFeatureNames().length);
  assert.ok(all.every((r) => r.every(Number.isFinite)));
  // The first cell has no earlier cells; later ones do.
  const first = denseFeatureNames().indexOf('first-cell');
  assert.deepEqual(
    all.map((r) => r[first]),
    [1, 0, 0, 0, 0, 0, 0],
  );
  // A prefix of the notebook gives the same rows: nothing comes from later cells.
  assert.deepEqual(rows(NOTEBOOK.slice(0, 4)), all.slice(0, 4));
});

function tinyParams(): StackerParams {
  const dense = denseFeatureNames();
  const coef = STAGES.map(() => new Array<number>(dense.length + 1).fill(0));
  coef[STAGES.indexOf('train')]![dense.length] = 5; // the token "fit" says train
  return {
    kind: 'gds-stage-stacker',
    version: 1,
    labelModelWeight: 0.7,
    lfNames: LABELING_FUNCTIONS.map((l) => l.name),
    dense,
    mean: dense.map(() => 0),
    scale: dense.map(() => 1),
    tokens: ['fit'],
    coef,
    intercept: STAGES.map(() => 0),
  };
}

test('stacker weights: a softmax over intercepts, scaled dense features and present tokens', () => {
  const s = makeStacker(tinyParams());
  const zeros = denseFeatureNames().map(() => 0);
  const without = s.probs({
    dense: zeros,
    tokens: ['model'],
    context: { stage: 'prep', probs: Object.fromEntries(STAGES.map((x) => [x, 1 / 6])) as Record<Stage, number> },
  });
  without.forEach((p) => assert.ok(Math.abs(p - 1 / 6) < 1e-12));
  const withFit = s.probs({
    dense: zeros,
    tokens: ['model', 'fit'],
    context: { stage: 'prep', probs: Object.fromEntries(STAGES.map((x) => [x, 1 / 6])) as Record<Stage, number> },
  });
  const e5 = Math.exp(5);
  assert.ok(Math.abs(withFit[STAGES.indexOf('train')]! - e5 / (e5 + 5)) < 1e-12);
  assert.ok(Math.abs(withFit.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test('the cell-alone regression reads only the cell: the leading features of every row, and its tokens', async () => {
  const clf = await loadClassifier(BUNDLED_MODEL_DIR, { stacker: false });
  const sig = await clf.signals(NOTEBOOK);
  // A stacked classifier's signals carry the cell rows it computed with them; they must be the ones computed afresh.
  const stacked = await loadClassifier(BUNDLED_MODEL_DIR);
  const stackedSig = await stacked.signals(NOTEBOOK);
  const f = new StackFeatures();
  NOTEBOOK.forEach((s, i) => {
    const cell = cellRow(s, sig[i]!);
    assert.equal(cell.dense.length, cellFeatureNames().length);
    assert.deepEqual(stackedSig[i]!.cell, cell);
    const row = f.next(s, stackedSig[i]!, stacked.mixture(stackedSig[i]!));
    assert.deepEqual(row.dense.slice(0, cell.dense.length), cell.dense);
    assert.deepEqual(row.tokens, cell.tokens);
  });
  assert.deepEqual(denseFeatureNames().slice(0, cellFeatureNames().length), cellFeatureNames());
  // Without a stacker the signals carry no cell row and a cell alone is the mixture.
  assert.equal(sig[0]!.cell, undefined);
  assert.deepEqual(
    sig.map((s) => clf.alone(s)),
    sig.map((s) => clf.mixture(s)),
  );
  // A stacked classifier handed such signals (no cell row) answers with the mixture rather than guess a row.
  assert.deepEqual(
    sig.map((s) => stacked.alone(s)),
    sig.map((s) => stacked.mixture(s)),
  );
  assert.notDeepEqual(
    stackedSig.map((s) => stacked.alone(s)),
    stackedSig.map((s) => stacked.mixture(s)),
  );
  const tiny = tinyParams();
  const cellNames = cellFeatureNames();
  const coef = STAGES.map(() => new Array<number>(cellNames.length + 1).fill(0));
  coef[STAGES.indexOf('eval')]![cellNames.length] = 4; // the token "score" says eval
  const s = makeStacker({
    ...tiny,
    alone: { dense: cellNames, mean: cellNames.map(() => 0), scale: cellNames.map(() => 1), tokens: ['score'], coef, intercept: STAGES.map(() => 0) },
  });
  const p = s.alone!(cellRow('model.score(X, y)', sig[0]!));
  const e4 = Math.exp(4);
  // Dense weights are all zero: only the token counts.
  assert.ok(Math.abs(p[STAGES.indexOf('eval')]! - e4 / (e4 + 5)) < 1e-12);
  assert.equal(makeStacker(tiny).alone, null);
});

test('a stacker for other LFs, features or widths is refused with a clear error', () => {
  const p = tinyParams();
  assert.throws(() => checkStacker({ ...p, lfNames: p.lfNames.slice(1) }, 'x.json'), /other labeling functions/);
  assert.throws(() => checkStacker({ ...p, dense: [...p.dense.slice(1), 'other'] }, 'x.json'), /other features/);
  assert.throws(() => checkStacker({ ...p, tokens: ['fit', 'extra'] }, 'x.json'), /do not match/);
  assert.throws(() => checkStacker({ ...p, version: 2 as 1 }, 'x.json'), /not a stage stacker/);
  const cellNames = cellFeatureNames();
  const alone = {
    dense: cellNames,
    mean: cellNames.map(() => 0),
    scale: cellNames.map(() => 1),
    tokens: [],
    coef: STAGES.map(() => cellNames.map(() => 0)),
    intercept: STAGES.map(() => 0),
  };
  assert.doesNotThrow(() => checkStacker({ ...p, alone }, 'x.json'));
  assert.throws(
    () => checkStacker({ ...p, alone: { ...alone, dense: denseFeatureNames() } }, 'x.json'),
    /cell-alone stacker was fitted on other features/,
  );
  assert.throws(() => checkStacker({ ...p, alone: { ...alone, tokens: ['fit'] } }, 'x.json'), /cell-alone stacker's weights do not match/);
  assert.throws(() => checkStacker({ ...p, alone: null } as unknown as StackerParams, 'x.json'), /cell-alone stacker is not an object/);
  const bad = { ...alone, coef: alone.coef.map((r, k) => (k === 2 ? r.map(() => Number.NaN) : r)) };
  assert.throws(() => checkStacker({ ...p, alone: bad }, 'x.json'), /not finite numbers/);
  assert.throws(() => checkStacker({ ...p, scale: p.scale.map(() => 0) }, 'x.json'), /zero scale/);
  const { labelModelWeight: _w, ...noWeight } = p;
  assert.throws(() => checkStacker(noWeight as StackerParams, 'x.json'), /which label-model weight/);
});

test('a corrupt stacker.json is refused by name, not with a bare JSON error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-stacker-bad-'));
  writeFileSync(join(dir, 'stacker.json'), '{"kind": "gds-stage');
  assert.throws(() => readStacker(dir), /stacker\.json is not readable JSON.*gds train stacker/);
  assert.equal(readStacker(mkdtempSync(join(tmpdir(), 'gds-stacker-none-'))), null);
});

test('the bundled model answers in notebook context with its stacker; streams and whole notebooks agree', async () => {
  const clf = await loadClassifier();
  assert.equal(clf.stacked, true);
  const out = await clf.classifyNotebook(NOTEBOOK);
  assert.deepEqual(
    out.map((o) => o.stage),
    ['import', 'load', 'explore', 'prep', 'train', 'eval', 'eval'],
  );
  for (const o of out) assert.ok(Math.abs(sum(o.probs) - 1) < 1e-6);
  const stream = clf.notebookStream();
  const sig = await clf.signals(NOTEBOOK);
  assert.deepEqual(
    NOTEBOOK.map((s, i) => stream.next(s, sig[i]!)),
    out,
  );
  // Alone, the histogram of residuals is a plot like any other; after the predictions it judges the model.
  const [alone] = await clf.classify([NOTEBOOK[6]!]);
  assert.notEqual(alone!.stage, 'eval');
  assert.ok(out[6]!.context);
  // Cells alone get the cell-alone regression of stacker.json, applied to the cell's own row.
  assert.equal(clf.stackedAlone, true);
  const regression = makeStacker(readStacker(BUNDLED_MODEL_DIR)!).alone!;
  const byHand = NOTEBOOK.map((s, i) => regression(cellRow(s, sig[i]!)));
  const classified = await clf.classify(NOTEBOOK);
  classified.forEach((c, i) => STAGES.forEach((s, k) => assert.ok(Math.abs(c.probs[s] - byHand[i]![k]!) < 1e-9)));
  // The first cell has no cells before it: whatever the stacker says, context did not decide it.
  assert.equal(out[0]!.context, undefined);
  for (const s of NOTEBOOK) assert.equal((await clf.classifyNotebook([s]))[0]!.context, undefined);
  const hand = readGold(labelSets().train.find((p) => p.endsWith('gds-hand.jsonl'))!);
  const handSig = await clf.signals(hand.map((c) => c.source));
  assert.ok(handSig.some((s) => clf.alone(s).stage !== clf.mixture(s).stage));
  // A stacker file from before the cell-alone regression still loads: cells alone are then the mixture.
  const dir = mkdtempSync(join(tmpdir(), 'gds-stacker-v1-'));
  cpSync(BUNDLED_MODEL_DIR, dir, { recursive: true });
  const { alone: _a, ...old } = JSON.parse(readFileSync(join(dir, 'stacker.json'), 'utf8')) as StackerParams;
  writeFileSync(join(dir, 'stacker.json'), JSON.stringify(old));
  const before = await loadClassifier(dir);
  assert.equal(before.stacked, true);
  assert.equal(before.stackedAlone, false);
  assert.deepEqual(
    await before.classify(NOTEBOOK),
    sig.map((s) => clf.mixture(s)),
  );
  // In context the same stacker answers (only which answers are marked as decided by context may differ).
  const strip = (r: Array<{ stage: Stage; probs: Record<Stage, number> }>): unknown => r.map((o) => [o.stage, o.probs]);
  assert.deepEqual(strip(await before.classifyNotebook(NOTEBOOK)), strip(out));
});

test('labelled cells are read in their whole notebook when the crawl has it, else beside each other', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-crawl-'));
  const kernels = join(dir, 'datasets', 'titanic', 'kernels');
  mkdirSync(kernels, { recursive: true });
  writeFileSync(join(kernels, 'nb.ipynb'), 'x');
  const code = ['import pandas as pd', '', "df = pd.read_csv('t.csv')", 'df.head()', 'model.fit(X, y)'];
  const read = (): string[] => code;
  const cells = [
    { notebook: 'nb.ipynb', dataset: 'titanic', order: 5, source: 'model.fit(X, y)' },
    { notebook: 'nb.ipynb', dataset: 'titanic', order: 3, source: "df = pd.read_csv('t.csv')" },
    { notebook: 'gone.ipynb', dataset: 'titanic', order: 2, source: 'df.head()' },
  ];
  const [full, alone] = labelledNotebooks(cells, { kaggleDir: dir, read });
  assert.deepEqual(full, {
    sources: ['import pandas as pd', "df = pd.read_csv('t.csv')", 'df.head()', 'model.fit(X, y)'],
    labelled: [-1, 1, -1, 0],
    full: true,
  });
  assert.deepEqual(alone, { sources: ['df.head()'], labelled: [2], full: false });
  // A notebook edited since it was labelled no longer lines up: its labelled cells are read alone.
  const edited = labelledNotebooks(cells.slice(0, 2), { kaggleDir: dir, read: () => ['import numpy as np', '', 'x = 1'] });
  assert.deepEqual(edited, [{ sources: ["df = pd.read_csv('t.csv')", 'model.fit(X, y)'], labelled: [1, 0], full: false }]);
});

test('fitStacker: real features, real scikit-learn, a stacker that loads and answers', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-stacker-model-'));
  cpSync(BUNDLED_MODEL_DIR, dir, { recursive: true });
  writeFileSync(join(dir, 'stacker.json'), 'not json');
  const hand = labelSets().train.find((p) => p.endsWith('gds-hand.jsonl'))!;
  const report = await fitStacker({
    modelDir: dir,
    labelModelWeight: 0.7,
    sets: [{ path: hand, cells: readGold(hand) }],
    script: join(pythonScriptsDir(), 'fit_stacker.py'),
    command: 'test',
    log: () => {},
  });
  assert.equal(report.cells, readGold(hand).length);
  assert.ok(report.cvAccuracy > 0.6 && report.cvAccuracy <= 1, String(report.cvAccuracy));
  assert.ok(report.perFile['gds-hand.jsonl']);
  const params = readStacker(dir)!;
  assert.equal(params.coef.length, STAGES.length);
  assert.ok(params.tokens.length > 100);
  assert.equal(params.labelModelWeight, 0.7);
  // Features depend on the mixture: another weight must not silently use this stacker.
  await assert.rejects(loadClassifier(dir, { labelModelWeight: 0.5 }), /fitted for label-model weight 0.7.*gds train stacker/);
  const clf = await loadClassifier(dir);
  assert.equal(clf.stacked, true);
  const cells = readGold(hand).slice(0, 40);
  const out = await classifyByNotebook(clf, cells);
  assert.equal(out.length, 40);
  // Fitted on these cells, it must get most of them right (a broken weight layout would not).
  assert.ok(out.filter((o, i) => o.stage === cells[i]!.stage).length >= 30);
  // Its cell-alone regression too, cross-validated against the mixture it replaces.
  assert.ok(report.alone.cvAccuracy > 0.6 && report.alone.cvMixtureAccuracy > 0.6, JSON.stringify(report.alone));
  assert.equal(report.alone.perFile['gds-hand.jsonl']?.cells, readGold(hand).length);
  assert.equal(params.alone?.dense.length, cellFeatureNames().length);
  assert.equal(clf.stackedAlone, true);
  const alone = await clf.classify(cells.map((c) => c.source));
  assert.ok(alone.filter((o, i) => o.stage === cells[i]!.stage).length >= 30);
  assert.notEqual(readFileSync(join(dir, 'stacker.json'), 'utf8'), 'not json');
});
