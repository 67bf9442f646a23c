// `gds pipeline run|status|resume|cancel|gpu` and `gds models install|rollback|compare`: the CLI face of pipeline/jobs.
import { join } from 'node:path';
import type { Command } from 'commander';
import { installedModelsDir } from '../../../pipeline/app-paths.ts';
import { compareModels, formatComparison, isModelKind, rollbackModel, type ModelKind } from '../../../pipeline/jobs/install.ts';
import { installModelStep } from '../../../pipeline/jobs/steps/install-step.ts';
import type { TaskParams } from '../../../pipeline/jobs/steps/registry.ts';
import { consoleIo } from '../../../pipeline/jobs/steps/step.ts';
import { PipelineManager } from '../../../pipeline/jobs/manager.ts';
import { detectTorch, formatTorch } from '../../../pipeline/jobs/torch.ts';
import { STEP_NAMES, isStepName, type PipelineOptions, type ProgressEvent, type RunState, type StepName } from '../../../pipeline/jobs/types.ts';

const DEFAULT_STEPS: StepName[] = ['label', 'train-classifier', 'train-recommender', 'evaluate', 'install'];

function parseSteps(v: string): StepName[] {
  const steps = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = steps.filter((s) => !isStepName(s));
  if (bad.length) throw new Error(`unknown step(s) ${bad.join(', ')}; steps are ${STEP_NAMES.join(', ')}`);
  return steps as StepName[];
}

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be an integer >= 1, got "${v}"`);
    return n;
  };
}

function kindOf(v: string): ModelKind {
  if (!isModelKind(v)) throw new Error(`--kind must be classifier or recommender, got "${v}"`);
  return v;
}

const secs = (s: number | null): string => (s === null ? '' : s >= 90 ? `, ${Math.round(s / 60)} min left` : `, ${Math.round(s)} s left`);

export function formatRun(s: RunState): string {
  const lines = [`run ${s.runId}: ${s.status} (created ${s.createdAt})`];
  for (const st of s.steps) {
    const pct = st.fraction !== null && st.status === 'running' ? ` ${Math.round(100 * st.fraction)}%` : '';
    const took = st.startedAt && st.endedAt ? ` in ${((Date.parse(st.endedAt) - Date.parse(st.startedAt)) / 1000).toFixed(1)} s` : '';
    const extra = st.error ? `  ${st.error}` : st.resumedFrom ? `  (resumed from ${st.resumedFrom})` : '';
    lines.push(`  ${st.name.padEnd(18)} ${st.status}${pct}${took}${st.exitCode !== null ? `, exit ${st.exitCode}` : ''}${extra}`);
    lines.push(`  ${''.padEnd(18)} log: ${st.logFile}`);
  }
  return lines.join('\n');
}

/** Drives a run in this process: progress to stderr (or JSON lines with --json), Ctrl-C / SIGTERM cancel it cleanly. */
async function drive(manager: PipelineManager, runId: string, done: Promise<RunState>, json: boolean): Promise<void> {
  const onProgress = (p: ProgressEvent): void => {
    if (json) process.stdout.write(`${JSON.stringify({ event: 'progress', ...p })}\n`);
    else if (p.fraction !== null) process.stderr.write(`[${p.step}] ${Math.round(100 * p.fraction)}%${secs(p.etaSeconds)}  ${p.message}\n`);
  };
  manager.on('progress', onProgress);
  manager.on('step', (e) => {
    if (json) process.stdout.write(`${JSON.stringify({ event: 'step', ...e })}\n`);
    else process.stderr.write(`[${e.step}] ${e.status}${e.error ? `: ${e.error}` : ''}\n`);
  });
  if (!json) process.stderr.write(`pipeline run ${runId} (state: ${join(manager.runDir(runId), 'state.json')})\n`);
  const stop = (): void => {
    process.stderr.write('cancelling: stopping the running step…\n');
    void manager.cancel(runId);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const s = await done;
    if (json) process.stdout.write(`${JSON.stringify({ event: 'run', runId, status: s.status })}\n`);
    else process.stdout.write(`${formatRun(s)}\n`);
    if (s.status !== 'done') process.exitCode = s.status === 'cancelled' ? 130 : 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function runIdOr(manager: PipelineManager, id: string | undefined): string {
  const runId = id ?? manager.latestRunId();
  if (!runId) throw new Error(`no pipeline runs in ${manager.root}`);
  return runId;
}

export function registerPipelineCommands(program: Command, makeManager: () => PipelineManager = () => new PipelineManager()): void {
  const pipeline = program
    .command('pipeline')
    .description('retrain GDS on a corpus: crawl → import → execute → label → train → evaluate → install, resumable');
  pipeline
    .command('run')
    .description('start a pipeline run (each step runs its typed tasks in a child process; state in <user data>/pipeline/<run id>/state.json)')
    .option('--steps <list>', `comma-separated steps of ${STEP_NAMES.join(',')}`, parseSteps, DEFAULT_STEPS)
    .option('--corpus <path>', 'notebooks to import (folder, zip, .jsonl.gz)')
    .option('--db <file>', 'corpus database (default: the app corpus)')
    .option('--epochs <n>', 'training epochs', positiveInt('--epochs'))
    .option('--max-cells <n>', 'cap on cells for labeling and classifier training', positiveInt('--max-cells'))
    .option(
      '--self-train',
      "the classifier learns from the current classifier's in-context answers instead of the label model (gds train classifier --teacher)",
    )
    .option('--procs <n>', 'PyTorch processes per training step (torchrun, DistributedDataParallel)', positiveInt('--procs'))
    .option('--json', 'progress and step events as JSON lines on stdout')
    .action(async (o: { steps: StepName[]; json?: boolean } & PipelineOptions) => {
      const manager = makeManager();
      const options: PipelineOptions = {
        corpus: o.corpus,
        db: o.db,
        epochs: o.epochs,
        maxCells: o.maxCells,
        ...(o.selfTrain ? { selfTrain: true } : {}),
        ...(o.procs ? { procs: o.procs } : {}),
      };
      const { runId, done } = manager.start(o.steps, options);
      await drive(manager, runId, done, o.json === true);
    });
  pipeline
    .command('status')
    .description('steps of a run (default: the latest) with status, times, exit codes and logs')
    .argument('[runId]')
    .option('--all', 'list every run')
    .option('--json', 'print the state as JSON')
    .action((id: string | undefined, o: { json?: boolean; all?: boolean }) => {
      const manager = makeManager();
      if (o.all) {
        const runs = manager.list();
        process.stdout.write(
          o.json
            ? `${JSON.stringify(runs)}\n`
            : `${runs.map((r) => `${r.runId}  ${r.status}  ${r.steps.map((s) => `${s.name}:${s.status}`).join(' ')}`).join('\n') || 'no runs'}\n`,
        );
        return;
      }
      const s = manager.status(runIdOr(manager, id));
      process.stdout.write(o.json ? `${JSON.stringify(s)}\n` : `${formatRun(s)}\n`);
    });
  pipeline
    .command('resume')
    .description('continue a run (default: the latest): finished steps are kept, interrupted ones restart, training from its checkpoint')
    .argument('[runId]')
    .option('--json', 'progress and step events as JSON lines on stdout')
    .action(async (id: string | undefined, o: { json?: boolean }) => {
      const manager = makeManager();
      const { runId, done } = manager.resume(runIdOr(manager, id));
      await drive(manager, runId, done, o.json === true);
    });
  pipeline
    .command('cancel')
    .description('stop a run: its running step gets SIGTERM, then SIGKILL after 5 s')
    .argument('<runId>')
    .action(async (id: string) => {
      const s = await makeManager().cancel(id);
      process.stdout.write(`${formatRun(s)}\n`);
    });
  pipeline
    .command('gpu')
    .description('PyTorch version, CUDA availability and device the trainers will use')
    .option('--python <path>', 'Python interpreter (default: GDS_PYTHON, else the first with torch)')
    .option('--json', 'print as JSON')
    .action(async (o: { python?: string; json?: boolean }) => {
      const t = await detectTorch(o.python);
      process.stdout.write(o.json ? `${JSON.stringify(t)}\n` : `${formatTorch(t)}\n`);
      if (!t.torch) process.exitCode = 1;
    });

  const models = program.commands.find((c) => c.name() === 'models') ?? program.command('models').description('installed models');
  models
    .command('install')
    .description('copy a trained model folder (with manifest.json) into the installed models, keeping the old one for rollback')
    .argument('<dir>')
    .requiredOption('--kind <kind>', 'classifier or recommender', kindOf)
    .action(async (dir: string, o: { kind: ModelKind }) => {
      await installModelStep.run({ dir, kind: o.kind } satisfies TaskParams<'install-model'>, consoleIo());
    });
  models
    .command('rollback')
    .description('swap the previous installed model back in')
    .requiredOption('--kind <kind>', 'classifier or recommender', kindOf)
    .action((o: { kind: ModelKind }) => {
      const r = rollbackModel(o.kind);
      process.stdout.write(`rolled back ${o.kind}: ${r.installed} is the previous model again\n`);
    });
  models
    .command('compare')
    .description('metrics of a trained model folder next to the installed one')
    .argument('<dir>')
    .requiredOption('--kind <kind>', 'classifier or recommender', kindOf)
    .option('--json', 'print rows as JSON')
    .action((dir: string, o: { kind: ModelKind; json?: boolean }) => {
      const rows = compareModels(dir, join(installedModelsDir(), o.kind));
      process.stdout.write(o.json ? `${JSON.stringify(rows)}\n` : `${formatComparison(rows)}\n`);
    });
}
