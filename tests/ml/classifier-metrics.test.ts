// Scores: accuracy, macro-F1 and the confusion matrix on a hand-made case; the notebook bootstrap interval holds the
// accuracy, is reproducible, and is wider when a notebook's cells are all right or all wrong together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterBootstrapInterval, score } from '../../pipeline/training/classifier/metrics.ts';
import type { Stage } from '../../ml/classifier/stages.ts';

test('score: accuracy, per-stage recall and the confusion matrix of a small case', () => {
  const gold: Stage[] = ['import', 'load', 'prep', 'prep', 'train', 'eval'];
  const pred: Stage[] = ['import', 'prep', 'prep', 'prep', 'train', 'train'];
  const s = score(gold, pred);
  assert.equal(s.n, 6);
  assert.equal(s.accuracy, 4 / 6);
  assert.equal(s.perStage.prep.recall, 1);
  assert.equal(s.perStage.prep.precision, 2 / 3);
  assert.equal(s.perStage.load.recall, 0);
  assert.equal(s.confusion[1]![3], 1); // load called prep
});

test('clusterBootstrapInterval: holds the accuracy, is seeded, and widens when notebooks err together', () => {
  // 40 notebooks of 10 cells, errors scattered over them (about 80 % right).
  const spread = Array.from({ length: 400 }, (_, i) => (i * 7919) % 100 < 80);
  const clusters = Array.from({ length: 400 }, (_, i) => `nb${Math.floor(i / 10)}`);
  const acc = spread.filter(Boolean).length / spread.length;
  const a = clusterBootstrapInterval(spread, clusters);
  assert.ok(a.low < acc && a.high > acc && a.high - a.low < 0.2, JSON.stringify(a));
  // Every notebook exactly 8 of 10 right: resampling notebooks cannot move the accuracy.
  assert.deepEqual(clusterBootstrapInterval(Array.from({ length: 400 }, (_, i) => i % 5 !== 0), clusters), { low: 0.8, high: 0.8 });
  assert.deepEqual(clusterBootstrapInterval(spread, clusters), a);
  // 80 %, but 8 notebooks wholly wrong: resampling notebooks now moves the accuracy much more.
  const together = Array.from({ length: 400 }, (_, i) => Math.floor(i / 10) % 5 !== 0);
  const b = clusterBootstrapInterval(together, clusters);
  assert.ok(b.low < 0.8 && b.high > 0.8, JSON.stringify(b));
  assert.ok(b.high - b.low > 3 * (a.high - a.low), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  assert.throws(() => clusterBootstrapInterval([true], []), /one cluster per cell/);
});
