// The PyTorch trainers under torchrun: two CPU processes (gloo on 127.0.0.1) train a few steps on a tiny dataset and
// end with the same weights; only rank 0 reports progress. The same scripts run alone for one process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pythonScriptsDir } from '../../pipeline/app-paths.ts';
import { pythonExecutable, runPythonTrainer, trainerArgv, type TrainEvent } from '../../pipeline/training/python-trainer.ts';

const python = pythonExecutable();
const probe = spawnSync(python, ['-c', 'import torch.distributed as d; print(d.is_available() and d.is_gloo_available())'], { encoding: 'utf8' });
const skip = probe.stdout.trim() === 'True' ? false : `${python} has no PyTorch with torch.distributed and gloo`;
// A rank that never joins fails the run within a minute (ddp.py) rather than outlasting the test's timeout.
process.env.GDS_DDP_TIMEOUT_S = '60';

/** A deterministic tiny classifier training set in train_classifier.py's format (little-endian int32 ids, float32 targets). */
function classifierData(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const seqLen = 12;
  const classes = 6;
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const [name, n] of [['train', 96], ['val', 24]] as const) {
    const x = new Int32Array(n * seqLen);
    const y = new Float32Array(n * classes);
    for (let i = 0; i < n; i++) {
      const len = 2 + Math.floor(rand() * (seqLen - 2));
      for (let j = 0; j < len; j++) x[i * seqLen + j] = 1 + Math.floor(rand() * 49);
      y[i * classes + Math.floor(rand() * classes)] = 1;
    }
    writeFileSync(join(dir, `${name}_x.bin`), Buffer.from(x.buffer));
    writeFileSync(join(dir, `${name}_y.bin`), Buffer.from(y.buffer));
  }
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ seqLen, numClasses: classes, vocabSize: 50 }));
}

/** A tiny seq2seq pair set in train_recommender.py's format (vocab.json, train.tsv, valid.tsv of token ids). */
function recommenderData(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify(['<pad>', '<sos>', '<eos>', '<unk>', ...Array.from({ length: 30 }, (_, i) => `t${i}`)]));
  const ids = (xs: number[]): string => xs.map((t) => (t % 30) + 4).join(' ');
  const line = (i: number): string => `${ids([i, i * 7, i * 11])}\t${ids([i * 3, i * 5])}`;
  writeFileSync(join(dir, 'train.tsv'), `${Array.from({ length: 80 }, (_, i) => line(i)).join('\n')}\n`);
  writeFileSync(join(dir, 'valid.tsv'), `${Array.from({ length: 16 }, (_, i) => line(i + 100)).join('\n')}\n`);
}

function rankHashes(dir: string): string[] {
  return readdirSync(dir).sort().map((f) => readFileSync(join(dir, f), 'utf8').trim());
}

test('one process runs the script itself; more go through torchrun with a rendezvous on 127.0.0.1', () => {
  assert.deepEqual(trainerArgv('/r/train_classifier.py', ['--epochs', '2'], 1), ['/r/train_classifier.py', '--epochs', '2']);
  const many = trainerArgv('/r/train_classifier.py', ['--epochs', '2'], 2, 29777);
  assert.equal(many[0], '/r/torchrun.py');
  assert.deepEqual(many.slice(many.indexOf('--nproc_per_node'), many.indexOf('--nproc_per_node') + 2), ['--nproc_per_node', '2']);
  assert.deepEqual(many.slice(many.indexOf('--master_addr'), many.indexOf('--master_addr') + 4), ['--master_addr', '127.0.0.1', '--master_port', '29777']);
  assert.deepEqual(many.slice(-3), ['/r/train_classifier.py', '--epochs', '2']);
});

test('torchrun with two CPU processes: both trainers end with identical weights on every rank', { skip, timeout: 170_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-ddp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  classifierData(join(dir, 'clf-data'));
  recommenderData(join(dir, 'rec-data'));
  const clfEvents: TrainEvent[] = [];
  const recEvents: TrainEvent[] = [];
  // Both at once: most of a torchrun's time is start-up and rendezvous, not arithmetic.
  await Promise.all([
    runPythonTrainer(join(pythonScriptsDir(), 'train_classifier.py'), ['--data', join(dir, 'clf-data'), '--out', join(dir, 'clf-out'), '--epochs', '2',
      '--batch', '16', '--embed', '8', '--hidden', '8', '--threads', '1', '--rank-hashes', join(dir, 'clf-hashes')],
    (e) => clfEvents.push(e), python, { procs: 2, signal: t.signal }),
    runPythonTrainer(join(pythonScriptsDir(), 'train_recommender.py'), ['--data', join(dir, 'rec-data'), '--out', join(dir, 'rec-out'), '--epochs', '2',
      '--batch', '8', '--emb', '8', '--hidden', '8', '--layers', '1', '--threads', '1', '--rank-hashes', join(dir, 'rec-hashes')],
    (e) => recEvents.push(e), python, { procs: 2, signal: t.signal }),
  ]);
  for (const [name, events, hashes] of [['classifier', clfEvents, 'clf-hashes'], ['recommender', recEvents, 'rec-hashes']] as const) {
    const ranks = rankHashes(join(dir, hashes));
    assert.equal(ranks.length, 2, `${name}: both ranks wrote a hash`);
    assert.match(ranks[0]!, /^[0-9a-f]{64}$/);
    assert.equal(ranks[0], ranks[1], `${name}: rank 0 and rank 1 hold the same weights`);
    // Rank 0 alone prints: each epoch once, and the whole training set counted in the classifier's epoch line.
    assert.deepEqual(events.filter((e) => e.event === 'epoch').map((e) => e.epoch), [1, 2], name);
    assert.equal(events.filter((e) => e.event === 'done').length, 1, name);
  }
  assert.equal(clfEvents.find((e) => e.event === 'epoch')?.cells, 96, 'the epoch covers both ranks\' shares');
  assert.ok(readdirSync(join(dir, 'clf-out')).includes('model.onnx'));
  assert.ok(readdirSync(join(dir, 'rec-out')).includes('encoder.onnx'));
});

test('train_recommender.py --patience: stops when the validation loss stops improving and reports the best epoch', { skip, timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-patience-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  recommenderData(join(dir, 'rec-data'));
  const common = ['--data', join(dir, 'rec-data'), '--batch', '8', '--emb', '8', '--hidden', '8', '--layers', '1', '--threads', '1'];
  const frozen: TrainEvent[] = [];
  const moving: TrainEvent[] = [];
  await Promise.all([
    // A learning rate of 0 never improves on the first epoch: with patience 1 the second epoch is the last.
    runPythonTrainer(join(pythonScriptsDir(), 'train_recommender.py'), [...common, '--out', join(dir, 'frozen'), '--epochs', '6', '--patience', '1',
      '--lr', '0'], (e) => frozen.push(e), python, { signal: t.signal }),
    runPythonTrainer(join(pythonScriptsDir(), 'train_recommender.py'), [...common, '--out', join(dir, 'moving'), '--epochs', '4', '--patience', '9',
      '--lr', '0.05'], (e) => moving.push(e), python, { signal: t.signal }),
  ]);
  assert.deepEqual(frozen.filter((e) => e.event === 'epoch').map((e) => e.epoch), [1, 2]);
  assert.deepEqual(frozen.find((e) => e.event === 'converged')?.best_epoch, 1);
  assert.equal(frozen.find((e) => e.event === 'done')?.best_epoch, 1);
  assert.ok(readdirSync(join(dir, 'frozen')).includes('encoder.onnx'), 'a stopped run still exports');
  // Whatever the curve, the exported (best) epoch is the one with the lowest validation loss.
  const curve = moving.filter((e) => e.event === 'epoch').map((e) => ({ epoch: e.epoch as number, loss: e.valid_loss as number }));
  assert.equal(curve.length, 4);
  const lowest = curve.reduce((a, b) => (b.loss < a.loss ? b : a));
  assert.equal(moving.find((e) => e.event === 'done')?.best_epoch, lowest.epoch);
  assert.equal(moving.some((e) => e.event === 'converged'), false);
});

test('aborting a torchrun stops torchrun and both of its ranks', { skip, timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-ddp-abort-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  classifierData(join(dir, 'clf-data'));
  const stop = new AbortController();
  const run = runPythonTrainer(join(pythonScriptsDir(), 'train_classifier.py'), ['--data', join(dir, 'clf-data'), '--out', join(dir, 'out'),
    '--epochs', '100000', '--batch', '16', '--embed', '8', '--hidden', '8', '--threads', '1'], (e) => {
    if (e.event === 'epoch') stop.abort();
  }, python, { procs: 2, signal: stop.signal });
  await assert.rejects(run, { name: 'AbortError' });
  // Every process whose command line names this run's folder: torchrun and the two train_classifier.py ranks.
  const alive = (): string => spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' }).stdout.trim();
  const deadline = Date.now() + 60_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  assert.equal(alive(), '', 'no process of the aborted run is left');
});
