// Resume after the manager process is SIGKILLed mid-step: orphan stopped, finished steps kept, training resumed from its checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelineManager } from '../../pipeline/jobs/manager.ts';
import { isAlive, loadState } from '../../pipeline/jobs/state-file.ts';
import { bundledModelsDir, installedModelsDir } from '../../pipeline/app-paths.ts';
import { call, childCommand, findCheckpoint, planStep, teacherModelDir, type TaskCall } from '../../pipeline/jobs/step-plan.ts';
import { STEP_REGISTRY, type TaskName } from '../../pipeline/jobs/steps/registry.ts';
import { parseParams } from '../../pipeline/jobs/steps/step.ts';
import type { RunState, StepContext, StepState } from '../../pipeline/jobs/types.ts';
import { fakeResolver, readRecord, type FakeConfig } from '../fixtures/pipeline-fake-resolver.ts';

/** The one call of a planned step, narrowed to its task (its params typed by the registry). */
function only<K extends TaskName>(calls: TaskCall[], task: K): Extract<TaskCall, { task: K }> {
  assert.equal(calls.length, 1);
  const c = calls[0]!;
  assert.equal(c.task, task);
  return c as Extract<TaskCall, { task: K }>;
}

/** What the step child receives: the params as JSON (unset params left out). */
const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => T | null | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

test('kill -9 of the manager mid-training, then resume: done steps kept, orphan stopped, training resumed from its checkpoint', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'gds-jobs-resume-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const cfg: FakeConfig = { record: join(root, 'record.jsonl'), ticks: { 'train-classifier': 80 }, tickMs: 50 };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '..', 'fixtures', 'pipeline-manager-child.ts'), root, 'import,train-classifier,evaluate'],
    {
      env: { ...process.env, PIPELINE_FAKE_CONFIG: JSON.stringify(cfg) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const runId = await until('run id', () => /"runId":"([^"]+)"/.exec(out)?.[1]);
  const ckpt = join(root, runId, 'steps', 'train-classifier', 'checkpoint.pt');
  // Wait until training has written a checkpoint a few ticks in, then kill the manager without warning.
  await until('checkpoint at tick 5', () => existsSync(ckpt) && (JSON.parse(readFileSync(ckpt, 'utf8')) as { tick: number }).tick >= 5);
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;

  const orphan = readRecord(cfg.record).find((r) => r.name === 'train-classifier')!;
  assert.ok(isAlive(orphan.pid), 'the step child outlives its killed manager (own process group)');
  const manager = new PipelineManager({ root, resolver: fakeResolver(cfg), killGraceMs: 500 });
  const crashed = manager.status(runId);
  assert.equal(crashed.status, 'interrupted');
  assert.deepEqual(
    crashed.steps.map((s) => s.status),
    ['done', 'running', 'pending'],
  );

  let orphanAliveAtRestart: boolean | null = null;
  manager.on('step', (e) => {
    if (e.step === 'train-classifier' && e.status === 'running') orphanAliveAtRestart = isAlive(orphan.pid);
  });
  const final = await manager.resume(runId).done;
  assert.equal(orphanAliveAtRestart, false, 'orphan stopped before the step restarts, so two trainers never share a folder');
  assert.equal(final.status, 'done');
  assert.equal(isAlive(orphan.pid), false, 'orphaned trainer was stopped before the restart');
  const runs = readRecord(cfg.record);
  assert.deepEqual(
    runs.map((r) => r.name),
    ['import', 'train-classifier', 'train-classifier', 'evaluate'],
    'import not redone',
  );
  const restarted = runs[2]!;
  const at = restarted.args.indexOf('--resume');
  assert.ok(at >= 0, 'restarted with --resume');
  assert.equal(restarted.args[at + 1], ckpt);
  const train = final.steps[1]!;
  assert.equal(train.attempts, 2);
  assert.equal(train.resumedFrom, ckpt);
  const log = readFileSync(train.logFile, 'utf8');
  assert.match(log, /attempt 2 .*resuming from/);
  assert.match(log, /"event":"resumed","tick":([5-9]|[1-3]\d)/);
  assert.equal(loadState(root, runId).steps[0]!.attempts, 1);
});

test('a non-training step left running is restarted without --resume', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'gds-jobs-resume-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const cfg: FakeConfig = { record: join(root, 'record.jsonl') };
  const manager = new PipelineManager({ root, resolver: fakeResolver(cfg) });
  const state = manager.create(['import', 'label']);
  // Simulate a manager that died while `label` ran: a dead manager pid and a dead child pid.
  state.status = 'running';
  state.managerPid = 999_999_999;
  Object.assign(state.steps[0]!, { status: 'done', attempts: 1 });
  Object.assign(state.steps[1]!, {
    status: 'running',
    attempts: 1,
    startedAt: new Date().toISOString(),
    firstStartedAt: new Date().toISOString(),
    pid: 999_999_998,
  });
  writeFileSync(join(root, state.runId, 'state.json'), JSON.stringify(state));
  assert.equal(manager.status(state.runId).status, 'interrupted');
  const final = await manager.resume(state.runId).done;
  assert.equal(final.status, 'done');
  const runs = readRecord(cfg.record);
  assert.deepEqual(
    runs.map((r) => r.name),
    ['label'],
  );
  assert.ok(!runs[0]!.args.includes('--resume'));
});

test("findCheckpoint ignores checkpoints older than the step (another run's leftovers)", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-jobs-ckpt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const started = new Date().toISOString();
  assert.equal(findCheckpoint('train-recommender', dir, started), null);
  writeFileSync(join(dir, 'checkpoint.pt'), 'x');
  assert.equal(findCheckpoint('train-recommender', dir, started), join(dir, 'checkpoint.pt'));
  assert.equal(findCheckpoint('label', dir, started), null, 'only training steps resume');
  const clfCkpt = join(dir, 'tmp', 'gds-classifier-work', 'out', 'checkpoint.pt');
  mkdirSync(join(clfCkpt, '..'), { recursive: true });
  writeFileSync(clfCkpt, 'y');
  rmSync(join(dir, 'checkpoint.pt'));
  assert.equal(findCheckpoint('train-classifier', dir, started), clfCkpt, 'the classifier checkpoint in the step TMPDIR');
  writeFileSync(join(dir, 'checkpoint.pt'), 'x');
  const old = new Date(Date.now() - 3_600_000);
  utimesSync(join(dir, 'checkpoint.pt'), old, old);
  assert.equal(findCheckpoint('train-recommender', dir, started), null);
  // `gds train recommender --out <step>/model` keeps the checkpoint of the sub-model in training at <out>/checkpoint.pt.
  const recCkpt = join(dir, 'model', 'checkpoint.pt');
  mkdirSync(join(dir, 'model'), { recursive: true });
  writeFileSync(recCkpt, 'z');
  assert.equal(findCheckpoint('train-recommender', dir, started), recCkpt);
});

test('planStep passes the run corpus (db when imported, else corpus) and small recommender sizes for maxCells', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-jobs-corpus-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const manager = new PipelineManager({ root: dir });
  const db = join(dir, 'corpus.sqlite');
  const withImport = manager.create(['import', 'label', 'train-recommender'], { corpus: '/slice', db, epochs: 2, maxCells: 2000 });
  const ctx = (state: RunState, i: number): StepContext => ({
    runId: state.runId,
    runDir: join(dir, state.runId),
    step: state.steps[i]!,
    state,
    checkpoint: null,
  });
  assert.deepEqual(wire(await planStep('import', ctx(withImport, 0))), [{ task: 'import', params: { paths: ['/slice'], db } }]);
  const [label] = await planStep('label', ctx(withImport, 1));
  assert.deepEqual(wire(label), { task: 'label', params: { maxCells: 2000, db } });
  const [rec] = await planStep('train-recommender', ctx(withImport, 2));
  assert.equal(rec!.task, 'train-recommender');
  assert.deepEqual(wire({ ...rec!.params, command: undefined }), {
    out: join(withImport.steps[2]!.outDir, 'model'),
    epochs: 2,
    db,
    perDataset: 20,
    stagePairs: 500,
    singlePairs: 1000,
    evalPairs: 200,
    positions: 8000,
    hidden: 64,
    emb: 32,
    layers: 1,
  });
  // No import step and no database file: the folder itself; no maxCells: the trainers' default sizes.
  const noImport = manager.create(['train-classifier', 'train-recommender'], { corpus: '/slice', db: join(dir, 'missing.sqlite') });
  const clf = only(await planStep('train-classifier', ctx(noImport, 0)), 'train-classifier');
  assert.equal(clf.params.corpus, '/slice');
  assert.equal(clf.params.db, undefined);
  const rec2 = only(await planStep('train-recommender', ctx(noImport, 1)), 'train-recommender');
  assert.equal(rec2.params.corpus, '/slice');
  assert.equal(rec2.params.hidden, undefined);
  // Without corpus/db nothing is added: the tasks read the Kaggle crawl cache as before.
  const plain = manager.create(['label'], {});
  assert.deepEqual(wire(await planStep('label', ctx(plain, 0))), [{ task: 'label', params: {} }]);
  assert.equal(only(await planStep('train-classifier', ctx(plain, 0)), 'train-classifier').params.teacher, undefined);
  // The process count reaches both trainers.
  const procs = manager.create(['train-classifier', 'train-recommender'], { procs: 2 });
  const planned = [...(await planStep('train-classifier', ctx(procs, 0))), ...(await planStep('train-recommender', ctx(procs, 1)))];
  assert.deepEqual(
    planned.map((c) => (c.task === 'train-classifier' || c.task === 'train-recommender' ? c.params.procs : null)),
    [2, 2],
  );
});

test('self-training: the step learns from the installed classifier (else the bundled one), frozen for resumes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-jobs-teacher-'));
  const saved = { home: process.env.GDS_HOME, resources: process.env.GDS_RESOURCES };
  t.after(() => {
    for (const [k, v] of [
      ['GDS_HOME', saved.home],
      ['GDS_RESOURCES', saved.resources],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  process.env.GDS_HOME = join(dir, 'home');
  const bundled = join(bundledModelsDir(), 'classifier');
  const manager = new PipelineManager({ root: join(dir, 'runs') });
  const ctx = (state: RunState): StepContext => ({
    runId: state.runId,
    runDir: join(dir, 'runs', state.runId),
    step: state.steps[0]!,
    state,
    checkpoint: null,
  });
  const teacherOf = async (state: RunState): Promise<string> => {
    const c = only(await planStep('train-classifier', ctx(state)), 'train-classifier');
    const teacher = c.params.teacher;
    assert.ok(teacher, JSON.stringify(c));
    return teacher;
  };
  const marker = (d: string): string => readFileSync(join(d, 'manifest.json'), 'utf8');

  // Nothing installed: the bundled classifier, copied into the step folder.
  assert.equal(teacherModelDir(), bundled);
  const first = manager.create(['train-classifier'], { selfTrain: true });
  const t1 = await teacherOf(first);
  assert.equal(t1, join(first.steps[0]!.outDir, 'teacher'));
  assert.equal(marker(t1), marker(bundled));

  // An installed classifier with a stacker wins; a run already started keeps the teacher it copied.
  const installed = join(installedModelsDir(), 'classifier');
  cpSync(bundled, installed, { recursive: true });
  const m = JSON.parse(marker(installed)) as Record<string, unknown>;
  writeFileSync(join(installed, 'manifest.json'), JSON.stringify({ ...m, name: 'installed-by-the-user' }));
  assert.equal(teacherModelDir(), installed);
  assert.equal(await teacherOf(first), t1);
  assert.equal(marker(t1), marker(bundled), 'the resumed step still learns from the bundled model');
  const second = manager.create(['train-classifier'], { selfTrain: true });
  assert.match(marker(await teacherOf(second)), /installed-by-the-user/);

  // An installed classifier without a stacker cannot teach: the bundled one does; with neither, a clear error.
  rmSync(join(installed, 'stacker.json'));
  assert.equal(teacherModelDir(), bundled);
  process.env.GDS_RESOURCES = join(dir, 'no-resources');
  assert.throws(() => teacherModelDir(), /self-training needs a classifier with a stacker/);
});

test("every planned call passes its task's zod schema (what the step child checks before it runs anything)", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-jobs-schema-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const manager = new PipelineManager({ root: dir });
  const state = manager.create(['crawl', 'import', 'execute', 'label', 'train-classifier', 'train-recommender', 'evaluate', 'install'], {
    db: join(dir, 'c.sqlite'),
    epochs: 2,
    maxCells: 2000,
    procs: 2,
  });
  // evaluate and install plan calls for the models trained in this run.
  for (const s of state.steps) if (s.name.startsWith('train-')) s.status = 'done';
  const calls = [];
  const runDir = join(dir, state.runId);
  for (const step of state.steps) calls.push(...(await planStep(step.name, { runId: state.runId, runDir, step, state, checkpoint: null })));
  assert.deepEqual(
    calls.map((c) => c.task),
    [
      'crawl',
      'import',
      'execute',
      'label',
      'train-classifier',
      'train-recommender',
      'eval-classifier',
      'eval-recommender',
      'install-model',
      'install-model',
    ],
  );
  for (const c of calls) parseParams(c.task, STEP_REGISTRY[c.task].params, JSON.parse(JSON.stringify(c.params)));
  const misspelt = { dir: '/x', kind: 'classfier' };
  assert.throws(() => parseParams('install-model', STEP_REGISTRY['install-model'].params, misspelt), /step install-model: invalid params: kind:/);
});

test('the step child: validated params, progress and result lines, a clear error naming the bad field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-jobs-child-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const model = join(dir, 'trained');
  mkdirSync(model, { recursive: true });
  writeFileSync(join(model, 'manifest.json'), JSON.stringify({ metrics: { accuracy: 0.5 } }));
  const run = (c: TaskCall): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const cmd = childCommand(c);
      const child = spawn(cmd.command, cmd.args, {
        env: { ...process.env, ...cmd.env, GDS_HOME: join(dir, 'home') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const ok = await run(call('install-model', { dir: model, kind: 'classifier' }));
  assert.equal(ok.code, 0, ok.stderr);
  const last = JSON.parse(ok.stdout.trim().split('\n').at(-1)!) as { event: string; task: string; result: { installed: string } };
  assert.equal(last.event, 'result');
  assert.equal(last.task, 'install-model');
  assert.equal(last.result.installed, join(dir, 'home', 'models', 'classifier'));
  assert.ok(existsSync(join(dir, 'home', 'models', 'classifier', 'manifest.json')));
  // A call that skipped the types (state.json edited by hand, an older version): refused before anything runs.
  const bad = await run({ task: 'install-model', params: { dir: model, kind: 'nope' } } as unknown as TaskCall);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /install-model: step install-model: invalid params: kind:/);
  const unknown = await run({ task: 'no-such-task', params: {} } as unknown as TaskCall);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /not a step of pipeline\/jobs\/steps\/registry\.ts/);
});

test("a restarted training step continues from its checkpoint; the classifier trains in the step's TMPDIR", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-jobs-args-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const manager = new PipelineManager({ root: dir });
  const state: RunState = manager.create(['train-classifier', 'train-recommender'], { epochs: 3, maxCells: 500 });
  const ctx = (step: StepState, checkpoint: string | null): StepContext => ({
    runId: state.runId,
    runDir: join(dir, state.runId),
    step,
    state,
    checkpoint,
  });
  const clf = only(await planStep('train-classifier', ctx(state.steps[0]!, '/ck/checkpoint.pt')), 'train-classifier');
  assert.equal(clf.params.resume, '/ck/checkpoint.pt');
  assert.equal(clf.params.out, join(state.steps[0]!.outDir, 'model'));
  assert.deepEqual([clf.params.epochs, clf.params.maxCells], [3, 500]);
  assert.equal(clf.resumeFrom, '/ck/checkpoint.pt');
  const cmd = childCommand(clf);
  assert.equal(cmd.command, process.execPath);
  assert.match(cmd.args[0]!, /bin\/gds-step\.mjs$/);
  assert.deepEqual(JSON.parse(cmd.args[1]!), wire({ task: 'train-classifier', params: clf.params }));
  assert.equal(cmd.env?.TMPDIR, join(state.steps[0]!.outDir, 'tmp'), 'classifier work folder (and checkpoint) kept inside the step');
  assert.equal(cmd.resumeFrom, '/ck/checkpoint.pt');
  const fresh = only(await planStep('train-recommender', ctx(state.steps[1]!, null)), 'train-recommender');
  assert.equal(fresh.params.resume, undefined, 'a first attempt does not resume');
  assert.equal(fresh.resumeFrom, undefined);
  await assert.rejects(planStep('install', ctx(state.steps[0]!, null)), /needs a training step/);
});
