// PipelineManager with real child processes: step order, persisted state and logs, progress + ETA, failure, cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelineManager } from '../../pipeline/jobs/manager.ts';
import { isAlive, loadState } from '../../pipeline/jobs/state-file.ts';
import type { ProgressEvent, StepEvent } from '../../pipeline/jobs/types.ts';
import { fakeResolver, readRecord, type FakeConfig } from '../fixtures/pipeline-fake-resolver.ts';

function setup(
  t: { after: (fn: () => void) => void },
  cfg: Omit<FakeConfig, 'record'> = {},
): { root: string; record: string; manager: PipelineManager; cfg: FakeConfig } {
  const root = mkdtempSync(join(tmpdir(), 'gds-jobs-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const full: FakeConfig = { record: join(root, 'record.jsonl'), ...cfg };
  return { root, record: full.record, cfg: full, manager: new PipelineManager({ root, resolver: fakeResolver(full), killGraceMs: 400 }) };
}

test('runs steps in pipeline order and persists status, times, exit codes and logs', async (t) => {
  const { root, record, manager } = setup(t);
  const steps: StepEvent[] = [];
  manager.on('step', (e) => steps.push(e));
  const { runId, done } = manager.start(['train-classifier', 'import', 'label']);
  const final = await done;
  assert.equal(final.status, 'done');
  assert.deepEqual(
    readRecord(record).map((r) => r.name),
    ['import', 'label', 'train-classifier'],
  );
  assert.deepEqual(
    steps.map((e) => `${e.step}:${e.status}`),
    ['import:running', 'import:done', 'label:running', 'label:done', 'train-classifier:running', 'train-classifier:done'],
  );
  const saved = loadState(root, runId);
  assert.equal(saved.status, 'done');
  for (const s of saved.steps) {
    assert.equal(s.status, 'done');
    assert.equal(s.exitCode, 0);
    assert.equal(s.attempts, 1);
    assert.ok(s.startedAt && s.endedAt && Date.parse(s.endedAt) >= Date.parse(s.startedAt));
    const log = readFileSync(s.logFile, 'utf8');
    assert.match(log, /tick 3\/3/);
    assert.match(log, /# exit 0/);
  }
  assert.ok(!readdirTmp(join(root, runId)).some((f) => f.includes('.tmp-')), 'no temp state files left');
  assert.equal(manager.status(runId).status, 'done');
});

function readdirTmp(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

test('progress events carry fractions and a time-remaining estimate from the progress rate', async (t) => {
  const { manager } = setup(t, { ticks: { label: 10 }, tickMs: 100 });
  const events: ProgressEvent[] = [];
  manager.on('progress', (e) => events.push(e));
  const t0 = Date.now();
  const { runId, done } = manager.start(['label']);
  await done;
  const total = (Date.now() - t0) / 1000;
  const withFraction = events.filter((e) => e.fraction !== null);
  assert.ok(withFraction.length >= 10, `got ${withFraction.length} progress events`);
  assert.ok(events.every((e) => e.runId === runId && e.step === 'label'));
  const fractions = withFraction.map((e) => e.fraction ?? 0);
  assert.deepEqual(
    [...fractions].sort((a, b) => a - b),
    fractions,
    'fractions never go back',
  );
  assert.equal(fractions.at(-1), 1);
  // At 50% after ~0.5 s of 0.1 s ticks, about 0.5 s are left.
  const mid = withFraction.find((e) => e.fraction === 0.5);
  assert.ok(mid && mid.etaSeconds !== null, 'ETA at 50%');
  assert.ok(mid.etaSeconds! > 0.2 && mid.etaSeconds! < 1.5, `eta ${mid.etaSeconds}`);
  assert.ok(total < 10);
  assert.equal(withFraction.at(-1)?.etaSeconds, 0);
});

test('a failing step stops the run; resume reruns it without redoing finished steps', async (t) => {
  const { root, record, manager, cfg } = setup(t, { fail: ['label'] });
  const { runId, done } = manager.start(['import', 'label', 'evaluate']);
  const failed = await done;
  assert.equal(failed.status, 'failed');
  assert.deepEqual(
    failed.steps.map((s) => s.status),
    ['done', 'failed', 'pending'],
  );
  const label = failed.steps[1]!;
  assert.equal(label.exitCode, 3);
  assert.match(label.error ?? '', /exit 3.*fake failure/);
  cfg.fail = [];
  const resumed = await new PipelineManager({ root, resolver: fakeResolver(cfg) }).resume(runId).done;
  assert.equal(resumed.status, 'done');
  assert.deepEqual(
    readRecord(record).map((r) => r.name),
    ['import', 'label', 'label', 'evaluate'],
  );
  assert.equal(resumed.steps[0]!.attempts, 1);
  assert.equal(resumed.steps[1]!.attempts, 2);
});

test('cancel sends SIGTERM to the step, SIGKILL after the grace period, and marks the run cancelled', async (t) => {
  const { record, manager } = setup(t, { ticks: { import: 200 }, tickMs: 50, ignoreTerm: ['import'] });
  const { runId, done } = manager.start(['import', 'label']);
  while (readRecord(record).length === 0) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  const pid = readRecord(record)[0]!.pid;
  const t0 = Date.now();
  const s = await manager.cancel(runId);
  const took = Date.now() - t0;
  assert.equal(s.status, 'cancelled');
  assert.deepEqual(
    s.steps.map((x) => x.status),
    ['cancelled', 'cancelled'],
  );
  assert.equal(isAlive(pid), false, 'child is gone');
  // The fake ignores SIGTERM, so only the SIGKILL after the 400 ms grace period ends it.
  assert.ok(took >= 350 && took < 5000, `took ${took} ms`);
  assert.match(readFileSync(s.steps[0]!.logFile, 'utf8'), /ignoring SIGTERM/);
  assert.equal((await done).status, 'cancelled');
});

test('cancel of a step that honours SIGTERM is quick', async (t) => {
  const { record, manager } = setup(t, { ticks: { import: 200 }, tickMs: 50 });
  const { runId } = manager.start(['import']);
  while (readRecord(record).length === 0) await new Promise((r) => setTimeout(r, 20));
  const t0 = Date.now();
  const s = await manager.cancel(runId);
  assert.equal(s.status, 'cancelled');
  assert.ok(Date.now() - t0 < 350, 'no SIGKILL wait needed');
});
