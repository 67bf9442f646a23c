// The `gds classify --jsonl` contract, through a real child process: one answer per line, in order, streamed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { STAGES } from '../../ml/classifier/stages.ts';

const root = new URL('../..', import.meta.url).pathname;
const gds = join(root, 'bin', 'gds.mjs');

test('classify --jsonl answers each line in order, before stdin closes', async () => {
  const child = spawn(process.execPath, [gds, 'classify', '--jsonl'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const it = lines[Symbol.asyncIterator]();
  child.stdin.write(`${JSON.stringify({ id: 'a', source: 'import pandas as pd' })}\n`);
  // Streaming: the first answer must arrive while stdin is still open.
  const first = JSON.parse(String((await it.next()).value)) as { id: string; stage: string; probs: Record<string, number> };
  assert.equal(first.id, 'a');
  assert.equal(first.stage, 'import');
  assert.deepEqual(Object.keys(first.probs), [...STAGES]);
  child.stdin.write(`${JSON.stringify({ id: 'b', source: 'model.fit(X, y)' })}\n${JSON.stringify({ id: 'c', source: 'train.isnull().sum()' })}\n`);
  child.stdin.end();
  const rest: Array<{ id: string; stage: string }> = [];
  for (let r = await it.next(); !r.done; r = await it.next()) rest.push(JSON.parse(String(r.value)) as { id: string; stage: string });
  assert.deepEqual(rest.map((r) => r.id), ['b', 'c']);
  assert.equal(rest[0]!.stage, 'train');
  const code = await new Promise<number | null>((res) => child.on('close', res));
  assert.equal(code, 0);
});

test('eval classifier prints accuracy, macro-F1, per-stage scores and a confusion matrix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-eval-'));
  const gold = join(dir, 'gold.jsonl');
  writeFileSync(gold, ['import numpy as np|import', 'model.fit(X, y)|train', 'df.describe()|explore'].map((l) => {
    const [source, stage] = l.split('|');
    return JSON.stringify({ id: source, source, stage });
  }).join('\n'));
  const r = spawnSync(process.execPath, [gds, 'eval', 'classifier', '--gold', gold], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /accuracy=\d+\.\d%/);
  assert.match(r.stdout, /macro-F1=/);
  assert.match(r.stdout, /confusion/);
  for (const s of STAGES) assert.match(r.stdout, new RegExp(`^${s}\\s`, 'm'));
  // Lines without a notebook are each their own: three notebooks to resample.
  assert.match(r.stdout, /accuracy 95% interval \(bootstrap over 3 notebooks\): \d+\.\d–\d+\.\d%/);
});

test('classify --jsonl: lines naming the same notebook share data flow; other lines are judged alone', () => {
  const plot = "plt.hist(gap, bins=20)\nplt.title('gap')\nplt.show()";
  const input = [
    { id: 'p', notebook: 'nb', source: 'gap = y_test - model.predict(X_test)' },
    { id: 'q', notebook: 'nb', source: plot },
    { id: 'r', source: plot },
    { id: 's', notebook: 'other', source: plot },
    { id: 'bad', notebook: 3, source: plot },
  ].map((l) => JSON.stringify(l)).join('\n');
  const r = spawnSync(process.execPath, [gds, 'classify', '--jsonl'], { cwd: root, encoding: 'utf8', input });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; stage?: string; error?: string });
  assert.deepEqual(out.map((o) => o.id), ['p', 'q', 'r', 's', 'bad']);
  assert.equal(out[1]!.stage, 'eval');
  // In context the line keeps the contract's keys exactly (the stacker's reason is for the editor only).
  assert.deepEqual(Object.keys(out[1]!), ['id', 'stage', 'probs']);
  assert.equal(out[2]!.stage, out[3]!.stage);
  assert.notEqual(out[2]!.stage, 'eval');
  assert.match(out[4]!.error ?? '', /notebook/);
});
