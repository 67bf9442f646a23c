// Model install: staged copy + rename, previous kept for rollback, failed or killed installs leave the old model intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareModels, formatComparison, installModel, rollbackModel } from '../../pipeline/jobs/install.ts';

function model(dir: string, version: string, metrics: Record<string, unknown> = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version, metrics }));
  writeFileSync(join(dir, 'model.onnx'), `weights ${version}`);
  return dir;
}

const versionOf = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { version: string }).version;

function temp(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gds-jobs-install-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('install keeps the previous model; rollback swaps it back and can be undone', (t) => {
  const dir = temp(t);
  const root = join(dir, 'models');
  const first = installModel(model(join(dir, 'a'), 'A'), 'classifier', root);
  assert.equal(first.previous, null);
  assert.equal(versionOf(join(root, 'classifier')), 'A');
  const second = installModel(model(join(dir, 'b'), 'B'), 'classifier', root);
  assert.equal(second.previous, join(root, 'classifier.previous'));
  assert.equal(versionOf(join(root, 'classifier')), 'B');
  assert.equal(versionOf(join(root, 'classifier.previous')), 'A');
  rollbackModel('classifier', root);
  assert.equal(versionOf(join(root, 'classifier')), 'A');
  assert.equal(versionOf(join(root, 'classifier.previous')), 'B');
  rollbackModel('classifier', root);
  assert.equal(versionOf(join(root, 'classifier')), 'B');
  assert.deepEqual(readdirSync(root).sort(), ['classifier', 'classifier.previous'], 'no staging folders left');
  assert.throws(() => rollbackModel('recommender', root), /no previous recommender model/);
});

test('a folder without manifest.json is refused and nothing changes', (t) => {
  const dir = temp(t);
  const root = join(dir, 'models');
  installModel(model(join(dir, 'a'), 'A'), 'recommender', root);
  mkdirSync(join(dir, 'bad'));
  writeFileSync(join(dir, 'bad', 'model.onnx'), 'x');
  assert.throws(() => installModel(join(dir, 'bad'), 'recommender', root), /no manifest\.json/);
  assert.equal(versionOf(join(root, 'recommender')), 'A');
  assert.deepEqual(readdirSync(root), ['recommender']);
});

test('a copy that fails midway leaves the installed model and no staging folder', { skip: process.platform === 'win32' && 'mkfifo' }, (t) => {
  const dir = temp(t);
  const root = join(dir, 'models');
  installModel(model(join(dir, 'a'), 'A'), 'classifier', root);
  const bad = model(join(dir, 'b'), 'B');
  // Node's cpSync refuses FIFOs: a real mid-copy failure, after manifest.json and model.onnx may already be copied.
  execFileSync('mkfifo', [join(bad, 'zz-pipe')]);
  assert.throws(() => installModel(bad, 'classifier', root));
  assert.equal(versionOf(join(root, 'classifier')), 'A');
  assert.deepEqual(readdirSync(root), ['classifier']);
});

test('an install killed mid-copy leaves the old model; the next install cleans its staging folder', async (t) => {
  const dir = temp(t);
  const root = join(dir, 'models');
  installModel(model(join(dir, 'a'), 'A'), 'classifier', root);
  const big = model(join(dir, 'big'), 'BIG');
  for (let i = 0; i < 400; i++) writeFileSync(join(big, `part-${i}.bin`), Buffer.alloc(256 * 1024, i));
  const script = `import { installModel } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'pipeline', 'jobs', 'install.ts'))};\ninstallModel(${JSON.stringify(big)}, 'classifier', ${JSON.stringify(root)});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
  // Kill once staging has begun.
  const deadline = Date.now() + 20_000;
  while (!readdirSync(root).some((n) => n.startsWith('.classifier.staging-')) && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 5));
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  assert.equal(versionOf(join(root, 'classifier')), 'A', 'old model intact');
  assert.ok(existsSync(join(root, 'classifier', 'model.onnx')));
  installModel(model(join(dir, 'c'), 'C'), 'classifier', root);
  assert.equal(versionOf(join(root, 'classifier')), 'C');
  assert.deepEqual(readdirSync(root).sort(), ['classifier', 'classifier.previous'], 'stale staging removed');
});

test('compareModels lines up numeric metrics of both manifests', (t) => {
  const dir = temp(t);
  const a = model(join(dir, 'new'), 'N', { endModel: { test: { accuracy: 0.9, n: 50 } }, confusion: [[1, 2]] });
  const b = model(join(dir, 'old'), 'O', { endModel: { test: { accuracy: 0.8, n: 50 } }, single: { top1: 0.3 } });
  const rows = compareModels(a, b);
  assert.deepEqual(
    rows.map((r) => r.metric),
    ['endModel.test.accuracy', 'endModel.test.n', 'single.top1'],
  );
  assert.ok(Math.abs((rows[0]!.delta ?? 0) - 0.1) < 1e-9);
  assert.equal(rows[2]!.candidate, null);
  assert.equal(rows[2]!.delta, null);
  assert.match(formatComparison(rows), /endModel\.test\.accuracy\s+0\.9000\s+0\.8000\s+0\.1000/);
  assert.deepEqual(
    compareModels(a, join(dir, 'missing')).map((r) => r.installed),
    [null, null],
  );
});
