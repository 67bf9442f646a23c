// `gds pipeline ...` and `gds models ...` as separate processes: run, status, failure + resume, cross-process cancel, install/rollback, gpu.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectTorch } from '../../pipeline/jobs/torch.ts';
import type { RunState } from '../../pipeline/jobs/types.ts';
import { readRecord, type FakeConfig } from '../fixtures/pipeline-fake-resolver.ts';

const cli = join(import.meta.dirname, '..', 'fixtures', 'pipeline-cli.ts');
const fakePython = join(import.meta.dirname, '..', 'fixtures', 'pipeline-fake-python.sh');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function gds(home: string, args: string[], cfg: FakeConfig | null, onSpawn?: (pid: number) => void): Promise<Result> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, GDS_HOME: home };
    if (cfg) env.PIPELINE_FAKE_CONFIG = JSON.stringify(cfg);
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function home(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gds-jobs-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Each test has its own GDS_HOME, so they run side by side: most of the time is tsx starting `gds` processes.
describe('gds pipeline / models CLI', { concurrency: true }, () => {
  test('pipeline run --json streams events; status shows the persisted run; bad steps are refused', async (t) => {
    const h = home(t);
    const cfg: FakeConfig = { record: join(h, 'record.jsonl') };
    const r = await gds(h, ['pipeline', 'run', '--steps', 'label,import', '--epochs', '2', '--json'], cfg);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; step?: string; status?: string; runId: string; fraction?: number });
    assert.ok(events.some((e) => e.event === 'progress' && e.step === 'import' && typeof e.fraction === 'number'));
    assert.deepEqual(
      events.filter((e) => e.event === 'step').map((e) => `${e.step}:${e.status}`),
      ['import:running', 'import:done', 'label:running', 'label:done'],
    );
    const last = events.at(-1)!;
    assert.deepEqual([last.event, last.status], ['run', 'done']);
    const s = await gds(h, ['pipeline', 'status', '--json'], cfg);
    const state = JSON.parse(s.stdout) as RunState;
    assert.equal(state.runId, last.runId);
    assert.deepEqual(state.options, { epochs: 2 });
    assert.ok(existsSync(join(h, 'pipeline', state.runId, 'state.json')));
    const text = await gds(h, ['pipeline', 'status', state.runId], cfg);
    assert.match(text.stdout, /import\s+done in [\d.]+ s, exit 0/);
    const bad = await gds(h, ['pipeline', 'run', '--steps', 'import,fly'], cfg);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown step\(s\) fly/);
  });

  test('a failed run exits 1; pipeline resume (latest run) finishes it without redoing done steps', async (t) => {
    const h = home(t);
    const cfg: FakeConfig = { record: join(h, 'record.jsonl'), fail: ['execute'] };
    const r = await gds(h, ['pipeline', 'run', '--steps', 'import,execute'], cfg);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /execute\s+failed.*exit 3/);
    const again = await gds(h, ['pipeline', 'resume'], { ...cfg, fail: [] });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      readRecord(cfg.record).map((x) => x.name),
      ['import', 'execute', 'execute'],
    );
  });

  test('pipeline cancel from another process stops the running step and the run', async (t) => {
    const h = home(t);
    const cfg: FakeConfig = { record: join(h, 'record.jsonl'), ticks: { import: 400 }, tickMs: 50 };
    const running = gds(h, ['pipeline', 'run', '--steps', 'import,label'], cfg);
    const deadline = Date.now() + 20_000;
    while (readRecord(cfg.record).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const status = JSON.parse((await gds(h, ['pipeline', 'status', '--json'], cfg)).stdout) as RunState;
    assert.equal(status.status, 'running');
    const c = await gds(h, ['pipeline', 'cancel', status.runId], cfg);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /cancelled/);
    const r = await running;
    assert.equal(r.code, 130);
    assert.equal((JSON.parse(readFileSync(join(h, 'pipeline', status.runId, 'state.json'), 'utf8')) as RunState).status, 'cancelled');
  });

  test('models install and rollback through the CLI', async (t) => {
    const h = home(t);
    const mk = (name: string): string => {
      const d = join(h, name);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'manifest.json'), JSON.stringify({ name, metrics: { top1: name === 'one' ? 0.1 : 0.2 } }));
      return d;
    };
    assert.equal((await gds(h, ['models', 'install', mk('one'), '--kind', 'recommender'], null)).code, 0);
    const second = await gds(h, ['models', 'install', mk('two'), '--kind', 'recommender'], null);
    assert.match(second.stdout, /previous kept at .*recommender\.previous/);
    const cmp = await gds(h, ['models', 'compare', join(h, 'models', 'recommender.previous'), '--kind', 'recommender', '--json'], null);
    assert.deepEqual(JSON.parse(cmp.stdout), [{ metric: 'top1', candidate: 0.1, installed: 0.2, delta: -0.1 }]);
    assert.equal((await gds(h, ['models', 'rollback', '--kind', 'recommender'], null)).code, 0);
    assert.equal((JSON.parse(readFileSync(join(h, 'models', 'recommender', 'manifest.json'), 'utf8')) as { name: string }).name, 'one');
    const bad = await gds(h, ['models', 'rollback', '--kind', 'tokenizer'], null);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--kind must be classifier or recommender/);
  });

  test('detectTorch explains how to install PyTorch when it is missing', async (t) => {
    const info = await detectTorch(fakePython);
    assert.equal(info.torch, null);
    assert.equal(info.device, 'cpu');
    assert.match(
      info.message ?? '',
      /PyTorch is not available .*No module named 'torch'.*(sudo apt-get install python3-torch|python3 -m pip install torch)/,
    );
    const r = await gds(home(t), ['pipeline', 'gpu', '--python', fakePython], null);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Install it with/);
    const missing = await detectTorch('/nonexistent/python3');
    assert.match(missing.message ?? '', /could not run it/);
  });

  test(
    'detectTorch on the real interpreter reports a version or the install command',
    { skip: !existsSync(process.env.GDS_PYTHON ?? '/usr/bin/python3') && 'no python3' },
    async () => {
      const info = await detectTorch(process.env.GDS_PYTHON ?? '/usr/bin/python3');
      if (info.torch) {
        assert.match(info.torch, /^\d+\.\d+/);
        assert.equal(info.device, info.cuda ? 'cuda' : 'cpu');
        if (info.cuda) assert.ok(info.deviceName);
      } else {
        assert.match(info.message ?? '', /install/i);
      }
    },
  );
});
