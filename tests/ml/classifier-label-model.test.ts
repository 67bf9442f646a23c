// The generative label model recovers known LF firing rates from synthetic votes and beats majority vote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmax, majorityVote, predictProba } from '../../ml/classifier/label-model.ts';
import { fitLabelModel } from '../../pipeline/training/classifier/fit-label-model.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

test('EM recovers per-stage firing probabilities and beats majority vote', () => {
  const rand = rng(7);
  const n = 30000;
  // Per stage: one precise LF and one noisy LF that also fires on the next stage.
  const lfStages: number[] = [];
  const truth: number[][] = [];
  for (let k = 0; k < 6; k++) {
    lfStages.push(k);
    truth.push([0, 1, 2, 3, 4, 5].map((y) => (y === k ? 0.8 : 0.03)));
    lfStages.push(k);
    truth.push([0, 1, 2, 3, 4, 5].map((y) => (y === k ? 0.5 : y === (k + 1) % 6 ? 0.4 : 0.05)));
  }
  const m = lfStages.length;
  const votes = new Int8Array(n * m).fill(-1);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = Math.floor(rand() * 6);
    labels.push(y);
    for (let j = 0; j < m; j++) if (rand() < truth[j]![y]!) votes[i * m + j] = lfStages[j]!;
  }
  const t0 = Date.now();
  // The full model, where a silent LF is evidence too: that is the setting in which the rates are identifiable.
  const params = fitLabelModel(votes, lfStages.map((_, j) => `lf${j}`), lfStages, { useAbstains: true, maxTheta: 0.99 });
  assert.ok(Date.now() - t0 < 5000, 'fit takes seconds');
  for (let j = 0; j < m; j++) {
    for (let y = 0; y < 6; y++) assert.ok(Math.abs(params.theta[j]![y]! - truth[j]![y]!) < 0.05, `theta[${j}][${y}]=${params.theta[j]![y]} vs ${truth[j]![y]}`);
  }
  const lm = predictProba(votes, params).map(argmax);
  const mv = majorityVote(votes, m);
  const acc = (pred: Array<number | null>): number => pred.filter((p, i) => p === labels[i]).length / n;
  assert.ok(acc(lm) > acc(mv) + 0.02, `label model ${acc(lm)} vs majority ${acc(mv)}`);
  const p = predictProba(votes.subarray(0, m), params)[0]!;
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9);
});
