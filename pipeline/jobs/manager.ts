// PipelineManager: runs pipeline steps as child processes (typed registry tasks) with persisted state, progress, cancel and resume.
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killGroup, openLog, startChild, type RunningChild } from './child-step.ts';
import { EtaEstimator, LineProgress } from './progress.ts';
import { isAlive, listRuns, loadState, newRunId, pipelineRoot, saveState } from './state-file.ts';
import { findCheckpoint, taskResolver } from './step-plan.ts';
import {
  STEP_NAMES,
  type PipelineEvents,
  type PipelineOptions,
  type RunState,
  type StepCommandResolver,
  type StepName,
  type StepState,
  type StepStatus,
} from './types.ts';

export interface ManagerOptions {
  /** Folder holding one sub-folder per run (default `<userDataDir()>/pipeline`). */
  root?: string;
  /** Plans each step's child processes (default: typed registry tasks in bin/gds-step.mjs); tests inject small fake commands. */
  resolver?: StepCommandResolver;
  /** Time between SIGTERM and SIGKILL on cancel. */
  killGraceMs?: number;
  cwd?: string;
}

interface ActiveRun {
  state: RunState;
  child: RunningChild | null;
  cancelled: boolean;
  done: Promise<RunState>;
}

const now = (): string => new Date().toISOString();

export class PipelineManager extends EventEmitter<PipelineEvents> {
  readonly root: string;
  private readonly resolver: StepCommandResolver;
  private readonly graceMs: number;
  private readonly cwd: string;
  private active = new Map<string, ActiveRun>();

  constructor(opts: ManagerOptions = {}) {
    super();
    this.root = opts.root ?? pipelineRoot();
    this.resolver = opts.resolver ?? taskResolver();
    this.graceMs = opts.killGraceMs ?? 5000;
    this.cwd = opts.cwd ?? process.cwd();
  }

  runDir(runId: string): string {
    return join(this.root, runId);
  }

  /** Writes a new run's state.json (all steps pending) in pipeline order; does not start it. */
  create(steps: readonly StepName[], options: PipelineOptions = {}): RunState {
    if (!steps.length) throw new Error('a pipeline needs at least one step');
    const ordered = STEP_NAMES.filter((s) => steps.includes(s));
    const runId = newRunId();
    const dir = this.runDir(runId);
    const state: RunState = {
      version: 1,
      runId,
      createdAt: now(),
      updatedAt: now(),
      status: 'pending',
      managerPid: null,
      options,
      steps: ordered.map((name): StepState => ({
        name,
        status: 'pending',
        attempts: 0,
        startedAt: null,
        firstStartedAt: null,
        endedAt: null,
        exitCode: null,
        pid: null,
        logFile: join(dir, 'steps', name, 'log.txt'),
        outDir: join(dir, 'steps', name),
        resumedFrom: null,
        commands: [],
        fraction: null,
        message: '',
        error: null,
      })),
    };
    saveState(this.root, state);
    return state;
  }

  /** create + run: resolves when the run ends (done, failed or cancelled). */
  start(steps: readonly StepName[], options: PipelineOptions = {}): { runId: string; done: Promise<RunState> } {
    const state = this.create(steps, options);
    return { runId: state.runId, done: this.drive(state) };
  }

  /**
   * Continues a run after a crash, kill, failure or cancel: done steps are kept, a step left `running` by a dead
   * manager has its orphaned child group stopped and is restarted (training with --resume <checkpoint> when one exists).
   */
  resume(runId: string): { runId: string; done: Promise<RunState> } {
    const existing = this.active.get(runId);
    if (existing) return { runId, done: existing.done };
    const state = loadState(this.root, runId);
    if (state.managerPid && state.managerPid !== process.pid && isAlive(state.managerPid) && state.status === 'running') {
      throw new Error(`run ${runId} is still being driven by process ${state.managerPid}`);
    }
    return { runId, done: this.drive(state) };
  }

  /** State as stored, with status `interrupted` when it says running but its manager is gone. */
  status(runId: string): RunState {
    const s = this.active.get(runId)?.state ?? loadState(this.root, runId);
    if (s.status === 'running' && !this.active.has(runId) && s.managerPid !== process.pid && !isAlive(s.managerPid))
      return { ...s, status: 'interrupted' };
    return s;
  }

  list(): RunState[] {
    return listRuns(this.root).map((id) => this.status(id));
  }

  latestRunId(): string | null {
    return listRuns(this.root).at(-1) ?? null;
  }

  /**
   * Stops a run. In this process: SIGTERM the step's process group, SIGKILL after the grace period. A run driven by
   * another process gets a cancel request file it polls; a run whose manager died has its orphaned child stopped here.
   */
  async cancel(runId: string): Promise<RunState> {
    const run = this.active.get(runId);
    if (run) {
      run.cancelled = true;
      run.child?.stop(this.graceMs);
      return run.done;
    }
    const state = loadState(this.root, runId);
    if (state.status !== 'running') return state;
    if (isAlive(state.managerPid) && state.managerPid !== process.pid) {
      writeFileSync(join(this.runDir(runId), 'cancel-requested'), now());
      const deadline = Date.now() + this.graceMs + 15_000;
      while (Date.now() < deadline) {
        await sleep(200);
        const s = loadState(this.root, runId);
        if (s.status !== 'running') return s;
      }
      throw new Error(`run ${runId}: its manager (pid ${state.managerPid}) did not stop in time`);
    }
    await this.stopOrphans(state);
    for (const s of state.steps)
      if (s.status === 'running' || s.status === 'pending') Object.assign(s, { status: 'cancelled' as StepStatus, endedAt: now(), pid: null });
    state.status = 'cancelled';
    this.save(state);
    return state;
  }

  private save(state: RunState): void {
    state.updatedAt = now();
    saveState(this.root, state);
  }

  /** A killed manager leaves its step's child running in its own group: stop it before a restart runs twice. */
  private async stopOrphans(state: RunState): Promise<void> {
    for (const s of state.steps) {
      if (s.status !== 'running' || !s.pid || !isAlive(s.pid) || !this.looksLikeOurs(s)) continue;
      killGroup(s.pid, 'SIGTERM');
      const deadline = Date.now() + this.graceMs;
      while (isAlive(s.pid) && Date.now() < deadline) await sleep(100);
      if (isAlive(s.pid)) killGroup(s.pid, 'SIGKILL');
      while (isAlive(s.pid) && Date.now() < deadline + 2000) await sleep(50);
    }
  }

  /** Guards against pid reuse: on Linux the live process must run one of the step's recorded commands. */
  private looksLikeOurs(s: StepState): boolean {
    const proc = `/proc/${s.pid}/cmdline`;
    if (!existsSync(proc)) return process.platform !== 'linux';
    const cmdline = readFileSync(proc, 'utf8').split('\0');
    return s.commands.some((c) => c.length > 1 && c.slice(1).every((a) => cmdline.includes(a)));
  }

  private drive(state: RunState): Promise<RunState> {
    const run: ActiveRun = { state, child: null, cancelled: false, done: Promise.resolve(state) };
    this.active.set(state.runId, run);
    run.done = this.loop(run).finally(() => this.active.delete(state.runId));
    return run.done;
  }

  private async loop(run: ActiveRun): Promise<RunState> {
    const { state } = run;
    rmSync(join(this.runDir(state.runId), 'cancel-requested'), { force: true });
    await this.stopOrphans(state);
    for (const s of state.steps) {
      if (s.status !== 'done') Object.assign(s, { status: 'pending' as StepStatus, pid: null });
    }
    state.status = 'running';
    state.managerPid = process.pid;
    this.save(state);
    this.emit('run', { runId: state.runId, status: 'running' });
    const poll = setInterval(() => {
      if (!run.cancelled && existsSync(join(this.runDir(state.runId), 'cancel-requested'))) {
        run.cancelled = true;
        run.child?.stop(this.graceMs);
      }
    }, 250);
    try {
      for (const step of state.steps) {
        if (step.status === 'done') continue;
        if (run.cancelled) break;
        const status = await this.runStep(run, step);
        if (status !== 'done') break;
      }
    } finally {
      clearInterval(poll);
    }
    for (const s of state.steps) if (run.cancelled && s.status === 'pending') s.status = 'cancelled';
    state.status = run.cancelled ? 'cancelled' : state.steps.every((s) => s.status === 'done') ? 'done' : 'failed';
    this.save(state);
    this.emit('run', { runId: state.runId, status: state.status });
    return state;
  }

  private finish(run: ActiveRun, step: StepState, status: StepStatus, exitCode: number | null, error: string | null): StepStatus {
    Object.assign(step, { status, exitCode, error, endedAt: now(), pid: null });
    if (status === 'done') step.fraction = 1;
    this.save(run.state);
    this.emit('step', { runId: run.state.runId, step: step.name, status, exitCode, error });
    return status;
  }

  private async runStep(run: ActiveRun, step: StepState): Promise<StepStatus> {
    const { state } = run;
    const started = now();
    step.attempts += 1;
    Object.assign(step, { status: 'running' as StepStatus, startedAt: started, endedAt: null, exitCode: null, error: null, resumedFrom: null });
    step.firstStartedAt ??= started;
    const checkpoint = step.attempts > 1 ? findCheckpoint(step.name, step.outDir, step.firstStartedAt) : null;
    this.save(state);
    this.emit('step', { runId: state.runId, step: step.name, status: 'running', exitCode: null, error: null });
    const log = openLog(step.logFile);
    log.write(`# ${step.name} attempt ${step.attempts} at ${started}${checkpoint ? `, resuming from ${checkpoint}` : ''}\n`);
    try {
      let commands;
      try {
        commands = await this.resolver(step.name, { runId: state.runId, runDir: this.runDir(state.runId), step, state, checkpoint });
      } catch (e) {
        log.write(`# ${(e as Error).message}\n`);
        return this.finish(run, step, 'failed', null, (e as Error).message);
      }
      step.commands = commands.map((c) => [c.command, ...c.args]);
      // Typed calls say which checkpoint they continue from; a raw command (tests) shows it in its argv.
      step.resumedFrom = checkpoint && commands.some((c) => c.resumeFrom === checkpoint || c.args.includes(checkpoint)) ? checkpoint : null;
      const eta = new EtaEstimator();
      let lastSave = 0;
      for (const [i, cmd] of commands.entries()) {
        if (run.cancelled) return this.finish(run, step, 'cancelled', null, null);
        const parser = new LineProgress(cmd.hint);
        const child = startChild(cmd, {
          cwd: this.cwd,
          log,
          onLine: (line) => {
            this.emit('log', { runId: state.runId, step: step.name, line });
            const p = parser.parse(line);
            if (!p) return;
            const fraction = p.fraction === null ? null : (i + p.fraction) / commands.length;
            if (fraction !== null) step.fraction = fraction;
            step.message = p.message;
            this.emit('progress', {
              runId: state.runId,
              step: step.name,
              fraction: step.fraction,
              etaSeconds: eta.update(fraction),
              message: p.message,
            });
            // Progress is persisted at most once a second: enough for `gds pipeline status`, cheap on disk.
            if (Date.now() - lastSave > 1000) {
              lastSave = Date.now();
              this.save(state);
            }
          },
        });
        run.child = child;
        step.pid = child.pid;
        this.save(state);
        if (run.cancelled) child.stop(this.graceMs);
        const r = await child.done;
        run.child = null;
        if (run.cancelled) return this.finish(run, step, 'cancelled', r.code, null);
        if (r.code !== 0) {
          const why = r.tail
            .filter((l) => l.trim())
            .slice(-3)
            .join(' | ');
          return this.finish(run, step, 'failed', r.code, `exit ${r.code ?? r.signal}${why ? `: ${why}` : ''}`);
        }
      }
      return this.finish(run, step, 'done', 0, null);
    } finally {
      await new Promise<void>((resolve) => log.end(() => resolve()));
    }
  }
}
