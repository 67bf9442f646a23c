// The shipped ONNX model loads and classifies obvious cells; labelCells uses the shipped label model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUNDLED_MODEL_DIR, loadClassifier } from '../../ml/classifier/classifier.ts';
import { labelCells } from '../../ml/classifier/weak-labels.ts';
import { STAGES } from '../../ml/classifier/stages.ts';

test('bundled classifier labels obvious cells', async () => {
  const clf = await loadClassifier(BUNDLED_MODEL_DIR);
  const out = await clf.classify(['import pandas as pd', 'model.fit(X, y)', "df = pd.read_csv('../input/train.csv')", 'preds = model.predict(X_test)']);
  assert.deepEqual(out.map((o) => o.stage), ['import', 'train', 'load', 'eval']);
  for (const o of out) {
    assert.deepEqual(Object.keys(o.probs), [...STAGES]);
    assert.ok(Math.abs(Object.values(o.probs).reduce((a, b) => a + b, 0) - 1) < 1e-4);
  }
});

test('results do not depend on what else is in the batch', async () => {
  const clf = await loadClassifier();
  const long = Array.from({ length: 100 }, (_, i) => `x${i} = df['c${i}'].fillna(0)`).join('\n');
  const [alone] = await clf.classify(['df.head()']);
  const [withLong] = await clf.classify(['df.head()', long]);
  for (const s of STAGES) assert.ok(Math.abs(alone!.probs[s] - withLong!.probs[s]) < 1e-5);
});

test('labelCells gives one stage per cell from the saved label model', () => {
  assert.deepEqual(labelCells(['import numpy as np', 'model.fit(X, y)', 'train.isnull().sum()']), ['import', 'train', 'explore']);
});
