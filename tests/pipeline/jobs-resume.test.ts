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
import { FlagProbe, findCheckpoint, gdsResolver, teacherModelDir } from '../../pipeline/jobs/step-commands.ts';
import type { RunState, StepContext, StepState } from '../../pipeline/jobs/types.ts';
import { fakeResolver, readRecord, type FakeConfig } from '../fixtures/pipeline-fake-resolver.ts';

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
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'fixtures', 'pipeline-manager-child.ts'), root, 'import,train-classifier,evaluate'], {
    env: { ...process.env, PIPELINE_FAKE_CONFIG: JSON.stringify(cfg) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
  assert.deepEqual(crashed.steps.map((s) => s.status), ['done', 'running', 'pending']);

  let orphanAliveAtRestart: boolean | null = null;
  manager.on('step', (e) => {
    if (e.step === 'train-classifier' && e.status === 'running') orphanAliveAtRestart = isAlive(orphan.pid);
  });
  const final = await manager.resume(runId).done;
  assert.equal(orphanAliveAtRestart, false, 'orphan stopped before the step restarts, so two trainers never share a folder');
  assert.equal(final.status, 'done');
  assert.equal(isAlive(orphan.pid), false, 'orphaned trainer was stopped before the restart');
  const runs = readRecord(cfg.record);
  assert.deepEqual(runs.map((r) => r.name), ['import', 'train-classifier', 'train-classifier', 'evaluate'], 'import not redone');
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
  Object.assign(state.steps[1]!, { status: 'running', attempts: 1, startedAt: new Date().toISOString(), firstStartedAt: new Date().toISOString(), pid: 999_999_998 });
  writeFileSync(join(root, state.runId, 'state.json'), JSON.stringify(state));
  assert.equal(manager.status(state.runId).status, 'interrupted');
  const final = await manager.resume(state.runId).done;
  assert.equal(final.status, 'done');
  const runs = readRecord(cfg.record);
  assert.deepEqual(runs.map((r) => r.name), ['label']);
  assert.ok(!runs[0]!.args.includes('--resume'));
});

test('findCheckpoint ignores checkpoints older than the step (another run\'s leftovers)', (t) => {
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

test('gds resolver passes the run corpus (--db when imported, else --corpus) and small recommender sizes for --max-cells', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-jobs-corpus-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const all = ['--out', '--epochs', '--max-cells', '--resume', '--corpus', '--db', '--per-dataset', '--stage-pairs', '--single-pairs', '--eval-pairs', '--hidden', '--emb', '--layers', '--analyze'];
  const resolver = gdsResolver({ flags: async (sub) => new Set(sub[0] === 'eval' ? ['--notebooks', '--db', '--model', '--held-out', '--max-pairs', '--gold'] : all) });
  const manager = new PipelineManager({ root: dir });
  const db = join(dir, 'corpus.sqlite');
  const withImport = manager.create(['import', 'label', 'train-recommender'], { corpus: '/slice', db, epochs: 2, maxCells: 2000 });
  const ctx = (state: RunState, i: number): StepContext => ({ runId: state.runId, runDir: join(dir, state.runId), step: state.steps[i]!, state, checkpoint: null });
  const [label] = await resolver('label', ctx(withImport, 1));
  assert.deepEqual(label!.args.slice(1), ['label', '--analyze', '--max-cells', '2000', '--db', db]);
  const [rec] = await resolver('train-recommender', ctx(withImport, 2));
  assert.deepEqual(rec!.args.slice(1), ['train', 'recommender', '--out', join(withImport.steps[2]!.outDir, 'model'), '--epochs', '2', '--db', db,
    '--per-dataset', '20', '--stage-pairs', '500', '--single-pairs', '1000', '--eval-pairs', '200', '--hidden', '64', '--emb', '32', '--layers', '1']);
  // No import step and no database file: the folder itself; no --max-cells: the CLI's default sizes.
  const noImport = manager.create(['train-classifier', 'train-recommender'], { corpus: '/slice', db: join(dir, 'missing.sqlite') });
  const [clf] = await resolver('train-classifier', ctx(noImport, 0));
  assert.deepEqual(clf!.args.slice(-2), ['--corpus', '/slice']);
  const [rec2] = await resolver('train-recommender', ctx(noImport, 1));
  assert.deepEqual(rec2!.args.slice(-2), ['--corpus', '/slice']);
  // Without --corpus/--db nothing is added: the subcommands read the Kaggle crawl cache as before.
  const plain = manager.create(['label'], {});
  const [label2] = await resolver('label', ctx(plain, 0));
  assert.deepEqual(label2!.args.slice(1), ['label', '--analyze']);
  const [clf3] = await resolver('train-classifier', ctx(plain, 0));
  assert.ok(!clf3!.args.includes('--teacher'));
});

test('self-training: the step learns from the installed classifier (else the bundled one), frozen for resumes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-jobs-teacher-'));
  const saved = { home: process.env.GDS_HOME, resources: process.env.GDS_RESOURCES };
  t.after(() => {
    for (const [k, v] of [['GDS_HOME', saved.home], ['GDS_RESOURCES', saved.resources]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  process.env.GDS_HOME = join(dir, 'home');
  const bundled = join(bundledModelsDir(), 'classifier');
  const resolver = gdsResolver({ flags: async () => new Set(['--out', '--epochs', '--max-cells']) });
  const manager = new PipelineManager({ root: join(dir, 'runs') });
  const ctx = (state: RunState): StepContext => ({ runId: state.runId, runDir: join(dir, 'runs', state.runId), step: state.steps[0]!, state, checkpoint: null });
  const teacherOf = async (state: RunState): Promise<string> => {
    const [cmd] = await resolver('train-classifier', ctx(state));
    const at = cmd!.args.indexOf('--teacher');
    assert.ok(at > 0, cmd!.args.join(' '));
    return cmd!.args[at + 1]!;
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

test('the real subcommands list the flags the resolver passes', async () => {
  const probe = new FlagProbe();
  for (const sub of [['label'], ['train', 'classifier'], ['train', 'recommender']]) {
    const flags = await probe.flags(sub);
    for (const f of ['--corpus', '--db']) assert.ok(flags.has(f), `${sub.join(' ')} lists ${f}`);
  }
  const rec = await probe.flags(['train', 'recommender']);
  for (const f of ['--resume', '--per-dataset', '--stage-pairs', '--single-pairs', '--eval-pairs']) assert.ok(rec.has(f), f);
  assert.ok((await probe.flags(['eval', 'recommender'])).has('--db'));
  assert.ok((await probe.flags(['train', 'classifier'])).has('--teacher'));
});

test('gds resolver passes --resume and --progress-json only to subcommands whose --help lists them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-jobs-args-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'run'), { recursive: true });
  const flags: Record<string, string[]> = { 'train classifier': ['--out', '--epochs', '--max-cells', '--resume'], 'train recommender': ['--out', '--epochs', '--progress-json'] };
  const resolver = gdsResolver({ flags: async (sub) => new Set(flags[sub.join(' ')] ?? []) });
  const manager = new PipelineManager({ root: dir });
  const state: RunState = manager.create(['train-classifier', 'train-recommender'], { epochs: 3, maxCells: 500 });
  const ctx = (step: StepState, checkpoint: string | null): StepContext => ({ runId: state.runId, runDir: join(dir, state.runId), step, state, checkpoint });
  const [clf] = await resolver('train-classifier', ctx(state.steps[0]!, '/ck/checkpoint.pt'));
  assert.deepEqual(clf!.args.slice(1), ['train', 'classifier', '--out', join(state.steps[0]!.outDir, 'model'), '--epochs', '3', '--max-cells', '500', '--resume', '/ck/checkpoint.pt']);
  assert.equal(clf!.command, process.execPath);
  assert.equal(clf!.env?.TMPDIR, join(state.steps[0]!.outDir, 'tmp'), 'classifier work folder (and checkpoint) kept inside the step');
  assert.match(clf!.args[0]!, /bin\/gds\.mjs$/);
  const [rec] = await resolver('train-recommender', ctx(state.steps[1]!, '/ck/other.pt'));
  assert.deepEqual(rec!.args.slice(1), ['train', 'recommender', '--out', join(state.steps[1]!.outDir, 'model'), '--epochs', '3', '--progress-json'], 'no --resume where unsupported');
  await assert.rejects(resolver('install', ctx(state.steps[0]!, null)), /needs a training step/);
});
