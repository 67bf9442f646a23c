// Progress parsing of the real `gds` output formats, and the rate-based time-remaining estimate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtaEstimator, LineProgress } from '../../pipeline/jobs/progress.ts';

test('classifier trainer lines (stderr "trainer: {json}") give epoch / epochs', () => {
  const p = new LineProgress({ epochs: 4 });
  assert.equal(p.parse('corpus: 290566 code cells')?.fraction, null);
  assert.equal(p.parse('trainer: {"event": "data", "train": 10}')?.fraction, null);
  assert.equal(p.parse('trainer: {"event": "epoch", "epoch": 1, "train_loss": 1.2, "val_loss": 1.1, "seconds": 3.0}')?.fraction, 0.25);
  assert.equal(p.parse('trainer: {"event": "resumed", "epoch": 3}')?.fraction, 0.75);
  assert.equal(p.parse('trainer: {"event": "done", "onnx": "x"}')?.fraction, 1);
  assert.equal(p.parse('   '), null);
});

test('recommender lines count each named sub-model as an equal share', () => {
  const p = new LineProgress({ epochs: 2, models: 7 });
  assert.equal(p.parse('[3s] ngram {"top1":0.2} top3 {"top1":0.3}')?.fraction, null);
  const f1 = p.parse('[10s] stage-import: {"event": "epoch", "epoch": 1, "train_loss": 2}')?.fraction;
  assert.ok(Math.abs((f1 ?? 0) - 0.5 / 7) < 1e-9);
  const f2 = p.parse('[20s] stage-load: {"event": "epoch", "epoch": 2}')?.fraction;
  assert.ok(Math.abs((f2 ?? 0) - 2 / 7) < 1e-9);
  assert.equal(p.parse('[25s] stage-load: {"event": "done", "epochs": 2}')?.fraction, null, 'a sub-model finishing is not the end');
});

test('fraction, done/total and execute result lines', () => {
  const p = new LineProgress({ total: 4 });
  assert.deepEqual(p.parse('{"fraction": 0.5, "message": "half"}'), { fraction: 0.5, message: 'half' });
  assert.equal(p.parse('{"done": 3, "total": 12}')?.fraction, 0.25);
  assert.equal(p.parse('ok           kaggle/x (1.2 s)')?.fraction, 0.25);
  assert.equal(p.parse('timeout      kaggle/y (60.0 s)')?.fraction, 0.5);
  assert.equal(p.parse('{"fraction": 7}')?.fraction, 1, 'clamped');
});

test('a step child\'s result line ends its command; a null fraction keeps the task\'s message', () => {
  const p = new LineProgress();
  assert.deepEqual(p.parse('{"fraction":null,"message":"12 notebooks"}'), { fraction: null, message: '12 notebooks' });
  assert.deepEqual(p.parse('{"event":"result","task":"import","result":{"notebooks":12}}'), { fraction: 1, message: 'import finished' });
});

test('ETA = remaining fraction at the observed rate, counted down on lines without progress', () => {
  let now = 0;
  const eta = new EtaEstimator(() => now);
  assert.equal(eta.update(null), null);
  assert.equal(eta.update(0.1), null, 'one sample gives no rate');
  now = 10_000;
  assert.equal(eta.update(0.3), 35); // 0.2 per 10 s → 0.7 left → 35 s
  now = 15_000;
  assert.equal(eta.update(null), 30);
  now = 20_000;
  assert.equal(eta.update(0.3), 70, 'a stall slows the rate: 0.2 over 20 s');
});
