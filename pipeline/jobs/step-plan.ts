// Plans each pipeline step as typed task calls of the step registry and turns them into step-child commands.
// Params are typed by the registry's zod schemas (a renamed param is a compile error here) and validated again in the child.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundledModelsDir, installedModelsDir, userDataDir } from '../app-paths.ts';
import { goldPath } from '../corpus-cache.ts';
import type { TaskName, TaskParams } from './steps/registry.ts';
import type { ProgressHint, StepCommand, StepCommandResolver, StepContext, StepName } from './types.ts';

const repoRoot = resolve(new URL('../..', import.meta.url).pathname);

/** The step child's entry (bin/gds-step.mjs: tsx, then step-child.ts); GDS_STEP_BIN overrides it for a packaged app. */
export function stepChildBin(): string {
  return process.env.GDS_STEP_BIN ?? join(repoRoot, 'bin', 'gds-step.mjs');
}

/** In Electron's main process execPath is the Electron binary: ELECTRON_RUN_AS_NODE makes it a plain Node for the child. */
export function nodeEnv(): Record<string, string> {
  return process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
}

/** How the manager runs a call: the child's extra environment, a progress hint, the checkpoint it continues from. */
export interface CallOptions {
  env?: Record<string, string>;
  hint?: ProgressHint;
  resumeFrom?: string;
}

/** One typed call of a registry task: the params type follows the task name. */
export type TaskCall = { [K in TaskName]: { task: K; params: TaskParams<K> } & CallOptions }[TaskName];

/** Builds a TaskCall; the generic ties `params` to `task`'s schema. */
export function call<K extends TaskName>(task: K, params: TaskParams<K>, opts: CallOptions = {}): TaskCall {
  // The mapped union cannot be narrowed by a generic K; the signature above is what callers are checked against.
  return { task, params, ...opts } as TaskCall;
}

/** `node bin/gds-step.mjs '{"task","params"}'`: the child validates the params and runs the task (unset params are left out). */
export function childCommand(c: TaskCall): StepCommand {
  return {
    command: process.execPath,
    args: [stepChildBin(), JSON.stringify({ task: c.task, params: c.params })],
    env: { ...nodeEnv(), ...c.env },
    ...(c.hint ? { hint: c.hint } : {}),
    ...(c.resumeFrom ? { resumeFrom: c.resumeFrom } : {}),
  };
}

/** Training steps and their output folder inside the step folder (the install step copies from there). */
export const MODEL_STEPS: Partial<Record<StepName, 'classifier' | 'recommender'>> = {
  'train-classifier': 'classifier',
  'train-recommender': 'recommender',
};

/**
 * The classifier trains in $TMPDIR/gds-classifier-work-* and keeps checkpoint.pt there (pipeline/training/classifier/train-classifier.ts).
 * The pipeline points the child's TMPDIR into the step folder, so runs do not share (and clobber) one work folder and the
 * checkpoint belongs to this step.
 */
export function stepTmpDir(outDir: string): string {
  return join(outDir, 'tmp');
}

/** Where each trainer leaves checkpoint.pt: the step's out folder, then the classifier's work folder under the step's TMPDIR. */
export function checkpointCandidates(step: StepName, outDir: string): string[] {
  const list = [join(outDir, 'checkpoint.pt')];
  if (step === 'train-classifier') {
    // The trainer's work folder is `gds-classifier-work` plus a hash of its inputs; look in each.
    const tmp = stepTmpDir(outDir);
    const works = existsSync(tmp) ? readdirSync(tmp).filter((n) => n.startsWith('gds-classifier-work')) : [];
    for (const w of works) list.push(join(tmp, w, 'out', 'checkpoint.pt'));
  }
  // The recommender trained into <step>/model copies the checkpoint of the sub-model in training to <out>/checkpoint.pt.
  if (step === 'train-recommender') list.push(join(outDir, 'model', 'checkpoint.pt'));
  return list;
}

/**
 * The checkpoint to resume from: an existing candidate written after this step first started, so a stale
 * checkpoint of another run in a shared work folder is never picked up.
 */
export function findCheckpoint(step: StepName, outDir: string, firstStartedAt: string | null): string | null {
  if (!MODEL_STEPS[step] || !firstStartedAt) return null;
  const since = Date.parse(firstStartedAt) - 1000;
  for (const p of checkpointCandidates(step, outDir)) {
    if (existsSync(p) && statSync(p).mtimeMs >= since) return p;
  }
  return null;
}

type RecommenderSizes = Pick<
  TaskParams<'train-recommender'>,
  'perDataset' | 'stagePairs' | 'singlePairs' | 'evalPairs' | 'hidden' | 'emb' | 'layers' | 'positions'
>;

/**
 * Small recommender sizes for a `--max-cells` run (quick trial runs): pair counts and reranker positions scale with
 * maxCells, capped at the trainer's defaults, and the GRU shrinks below 10,000 cells. (Each reranker position asks
 * the classifier for the stage there: ~8 ms.)
 */
export function recommenderSizes(maxCells: number | undefined): RecommenderSizes {
  if (!maxCells) return {};
  const sizes: RecommenderSizes = {
    perDataset: Math.max(5, Math.min(50, Math.round(maxCells / 100))),
    stagePairs: Math.max(100, Math.min(4000, Math.round(maxCells / 4))),
    singlePairs: Math.max(200, Math.min(8000, Math.round(maxCells / 2))),
    evalPairs: Math.max(50, Math.min(600, Math.round(maxCells / 10))),
    positions: Math.max(1000, Math.min(60_000, maxCells * 4)),
  };
  return maxCells < 10_000 ? { ...sizes, hidden: 64, emb: 32, layers: 1 } : sizes;
}

/** The classifier a self-training run learns from: the installed one when it has a stacker, else the bundled one. */
export function teacherModelDir(): string {
  const dirs = [join(installedModelsDir(), 'classifier'), join(bundledModelsDir(), 'classifier')];
  const dir = dirs.find((d) => existsSync(join(d, 'model.onnx')) && existsSync(join(d, 'stacker.json')));
  if (!dir) throw new Error(`self-training needs a classifier with a stacker (stacker.json) in ${dirs.join(' or ')}`);
  return dir;
}

/**
 * The teacher of a self-training step, copied into the step folder on its first attempt: a resume after the installed
 * classifier was replaced still learns from the one the interrupted attempt started with (its checkpoint did).
 */
export function frozenTeacher(stepDir: string): string {
  const dir = join(stepDir, 'teacher');
  if (existsSync(join(dir, 'stacker.json')) && existsSync(join(dir, 'manifest.json'))) return dir;
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(stepDir, { recursive: true });
  cpSync(teacherModelDir(), partial, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}

const trainedDir = (ctx: StepContext, step: StepName): string | null => {
  const s = ctx.state.steps.find((x) => x.name === step);
  return s && s.status === 'done' ? join(s.outDir, 'model') : null;
};

/**
 * The task calls of one pipeline step, typed end to end. Params are written out one by one, never spread from a looser
 * object: TypeScript checks excess properties only in object literals, so a spread would hide a renamed param.
 */
export async function planStep(step: StepName, ctx: StepContext): Promise<TaskCall[]> {
  const o = ctx.state.options;
  const command = `gds pipeline run ${ctx.runId} (${step})`;
  // The corpus the label/train/evaluate steps read: the database when an import step fills it (or it exists), else
  // the corpus path; with neither the tasks read the Kaggle crawl cache.
  const importing = ctx.state.steps.some((s) => s.name === 'import');
  const fromDb = !!o.db && (importing || existsSync(o.db));
  const db = fromDb ? o.db : undefined;
  const corpus = fromDb ? undefined : o.corpus;
  const resume = ctx.checkpoint ?? undefined;
  switch (step) {
    case 'crawl':
      return [call('crawl', { db: o.db })];
    case 'import': {
      // The crawl writes to its default folder, which the import then reads (duplicates are skipped).
      const crawled = ctx.state.steps.some((s) => s.name === 'crawl') ? join(userDataDir(), 'kaggle-crawl') : null;
      const path = o.corpus ?? crawled;
      if (!path) throw new Error('the import step needs --corpus PATH (or a crawl step before it)');
      return [call('import', { paths: [path], db: o.db })];
    }
    case 'execute':
      return [call('execute', { db: o.db })];
    case 'label':
      return [call('label', { maxCells: o.maxCells, corpus, db })];
    case 'train-classifier': {
      const epochs = o.epochs ?? 8;
      const tmp = stepTmpDir(ctx.step.outDir);
      mkdirSync(tmp, { recursive: true });
      const teacher = o.selfTrain ? frozenTeacher(ctx.step.outDir) : undefined;
      const params: TaskParams<'train-classifier'> = {
        out: join(ctx.step.outDir, 'model'), epochs, maxCells: o.maxCells, corpus, db, resume, teacher, procs: o.procs, command,
      };
      return [call('train-classifier', params, { hint: { epochs }, env: { TMPDIR: tmp, TMP: tmp, TEMP: tmp }, resumeFrom: resume })];
    }
    case 'train-recommender': {
      const epochs = o.epochs ?? 2;
      const params: TaskParams<'train-recommender'> = {
        out: join(ctx.step.outDir, 'model'), epochs, corpus, db, ...recommenderSizes(o.maxCells), resume, procs: o.procs, command,
      };
      // seq2seq: 6 per-stage models and the single model train one after another.
      return [call('train-recommender', params, { hint: { epochs, models: 7 }, resumeFrom: resume })];
    }
    case 'evaluate': {
      const out: TaskCall[] = [];
      const clf = trainedDir(ctx, 'train-classifier');
      const rec = trainedDir(ctx, 'train-recommender');
      if (clf) out.push(call('eval-classifier', { gold: goldPath(), model: clf }));
      if (rec) {
        // The corpus the recommender trained on: its held-out groups (the task falls back to all notebooks when none are held out).
        const positions = o.maxCells ? Math.max(50, Math.min(1000, Math.round(o.maxCells / 10))) : undefined;
        out.push(call('eval-recommender', { corpus, db, model: rec, positions }));
      }
      if (!out.length) throw new Error('the evaluate step needs a train-classifier or train-recommender step that finished in this run');
      return out;
    }
    case 'install': {
      const out: TaskCall[] = [];
      for (const [s, kind] of Object.entries(MODEL_STEPS)) {
        const dir = trainedDir(ctx, s as StepName);
        if (dir && kind) out.push(call('install-model', { dir, kind }));
      }
      if (!out.length) throw new Error('the install step needs a training step that finished in this run');
      return out;
    }
  }
}

/** The default resolver: each task call of a step becomes one step-child process. */
export function taskResolver(): StepCommandResolver {
  return async (step, ctx) => (await planStep(step, ctx)).map(childCommand);
}
