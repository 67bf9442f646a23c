// Builds the `gds` child commands of each pipeline step; the CLI stays the single implementation of every job.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { bundledModelsDir, installedModelsDir, userDataDir } from '../app-paths.ts';
import { goldPath } from '../corpus-cache.ts';
import type { StepCommand, StepCommandResolver, StepContext, StepName } from './types.ts';

const run = promisify(execFile);
const repoRoot = resolve(new URL('../..', import.meta.url).pathname);

/** The CLI entry; GDS_BIN overrides it (a packaged app keeps bin/ outside the asar archive). */
export function gdsBin(): string {
  return process.env.GDS_BIN ?? join(repoRoot, 'bin', 'gds.mjs');
}

/** In Electron's main process execPath is the Electron binary: ELECTRON_RUN_AS_NODE makes it a plain Node for the child. */
export function nodeEnv(): Record<string, string> {
  return process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
}

/** Training steps and their output folder inside the step folder (the install step copies from there). */
export const MODEL_STEPS: Partial<Record<StepName, 'classifier' | 'recommender'>> = {
  'train-classifier': 'classifier',
  'train-recommender': 'recommender',
};

/**
 * `gds train classifier` trains in $TMPDIR/gds-classifier-work and keeps checkpoint.pt there
 * (pipeline/training/classifier/train-classifier.ts). The pipeline points the child's TMPDIR into the step folder, so runs do not
 * share (and clobber) one work folder and the checkpoint belongs to this step.
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
  // `gds train recommender --out <step>/model` copies the checkpoint of the sub-model in training to <out>/checkpoint.pt.
  if (step === 'train-recommender') list.push(join(outDir, 'model', 'checkpoint.pt'));
  return list;
}

/** Optional flags: [flag, value] pairs, passed only where the subcommand lists the flag. */
type Optional = Array<[string, string | number | undefined]>;

/**
 * Small recommender sizes for a `--max-cells` run (quick trial runs): pair counts scale with maxCells,
 * capped at the CLI's defaults, and the GRU shrinks below 10,000 cells.
 */
export function recommenderSizes(maxCells: number | undefined): Optional {
  if (!maxCells) return [];
  const sizes: Optional = [
    ['--per-dataset', Math.max(5, Math.min(50, Math.round(maxCells / 100)))],
    ['--stage-pairs', Math.max(100, Math.min(4000, Math.round(maxCells / 4)))],
    ['--single-pairs', Math.max(200, Math.min(8000, Math.round(maxCells / 2)))],
    ['--eval-pairs', Math.max(50, Math.min(600, Math.round(maxCells / 10)))],
  ];
  if (maxCells < 10_000) sizes.push(['--hidden', 64], ['--emb', 32], ['--layers', 1]);
  return sizes;
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

/** Long options a `gds` subcommand accepts, read from its --help (cached), so flags are passed only where supported. */
export class FlagProbe {
  private cache = new Map<string, Promise<Set<string>>>();

  constructor(private readonly bin = gdsBin()) {}

  flags(subcommand: string[]): Promise<Set<string>> {
    const key = subcommand.join(' ');
    let p = this.cache.get(key);
    if (!p) {
      p = run(process.execPath, [this.bin, ...subcommand, '--help'], { timeout: 60_000, env: { ...process.env, ...nodeEnv() } })
        .then(({ stdout }) => new Set(stdout.match(/--[a-z][a-z0-9-]*/g) ?? []))
        .catch(() => new Set<string>());
      this.cache.set(key, p);
    }
    return p;
  }
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

/** The default resolver: `node bin/gds.mjs <subcommand> ...` for every step. */
export function gdsResolver(probe: Pick<FlagProbe, 'flags'> = new FlagProbe()): StepCommandResolver {
  const gds = async (sub: string[], rest: string[], hint: StepCommand['hint'] = {}, ctx?: StepContext, optional: Optional = []): Promise<StepCommand> => {
    const flags = await probe.flags(sub);
    const args = [gdsBin(), ...sub, ...rest];
    for (const [flag, value] of optional) if (value !== undefined && flags.has(flag)) args.push(flag, String(value));
    if (flags.has('--progress-json')) args.push('--progress-json');
    if (ctx?.checkpoint && flags.has('--resume')) args.push('--resume', ctx.checkpoint);
    return { command: process.execPath, args, hint, env: nodeEnv() };
  };
  const trainedDir = (ctx: StepContext, step: StepName): string | null => {
    const s = ctx.state.steps.find((x) => x.name === step);
    return s && s.status === 'done' ? join(s.outDir, 'model') : null;
  };
  return async (step, ctx) => {
    const o = ctx.state.options;
    const db = o.db ? ['--db', o.db] : [];
    // The corpus the label/train/evaluate steps read: the database when an import step fills it (or it exists), else
    // the --corpus path; with neither the subcommands read the Kaggle crawl cache.
    const importing = ctx.state.steps.some((s) => s.name === 'import');
    const corpus: Optional = o.db && (importing || existsSync(o.db)) ? [['--db', o.db]] : o.corpus ? [['--corpus', o.corpus]] : [];
    switch (step) {
      case 'crawl':
        return [await gds(['crawl'], [...db, '--json'])];
      case 'import': {
        // `gds crawl` writes to its default folder, which the import then reads (duplicates are skipped).
        const crawled = ctx.state.steps.some((s) => s.name === 'crawl') ? join(userDataDir(), 'kaggle-crawl') : null;
        const path = o.corpus ?? crawled;
        if (!path) throw new Error('the import step needs --corpus PATH (or a crawl step before it)');
        return [await gds(['import'], [path, ...db, '--json'])];
      }
      case 'execute':
        return [await gds(['execute'], [...db, '--json'])];
      case 'label':
        return [await gds(['label'], ['--analyze', ...(o.maxCells ? ['--max-cells', String(o.maxCells)] : [])], {}, undefined, corpus)];
      case 'train-classifier': {
        const epochs = o.epochs ?? 8;
        const rest = ['--out', join(ctx.step.outDir, 'model'), '--epochs', String(epochs), ...(o.maxCells ? ['--max-cells', String(o.maxCells)] : []), ...(o.selfTrain ? ['--teacher', frozenTeacher(ctx.step.outDir)] : [])];
        const cmd = await gds(['train', 'classifier'], rest, { epochs }, ctx, corpus);
        const tmp = stepTmpDir(ctx.step.outDir);
        mkdirSync(tmp, { recursive: true });
        return [{ ...cmd, env: { ...cmd.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp } }];
      }
      case 'train-recommender': {
        const epochs = o.epochs ?? 2;
        // 6 per-stage models and the single model train one after another.
        return [await gds(['train', 'recommender'], ['--out', join(ctx.step.outDir, 'model'), '--epochs', String(epochs)], { epochs, models: 7 }, ctx, [...corpus, ...recommenderSizes(o.maxCells)])];
      }
      case 'evaluate': {
        const out: StepCommand[] = [];
        const clf = trainedDir(ctx, 'train-classifier');
        const rec = trainedDir(ctx, 'train-recommender');
        if (clf) out.push(await gds(['eval', 'classifier'], ['--gold', goldPath(), '--model', clf]));
        if (rec) {
          // The corpus the recommender trained on: its held-out groups (the command falls back to all notebooks when none are held out).
          const flags = await probe.flags(['eval', 'recommender']);
          const fromDb = corpus[0]?.[0] === '--db' && flags.has('--db');
          const source = fromDb ? ['--db', o.db!] : o.corpus ? ['--corpus', o.corpus] : [];
          const positions: Optional = o.maxCells ? [['--positions', Math.max(50, Math.min(1000, Math.round(o.maxCells / 10)))]] : [];
          out.push(await gds(['eval', 'recommender'], [...source, '--model', rec], {}, undefined, positions));
        }
        if (!out.length) throw new Error('the evaluate step needs a train-classifier or train-recommender step that finished in this run');
        return out;
      }
      case 'install': {
        const out: StepCommand[] = [];
        for (const [s, kind] of Object.entries(MODEL_STEPS)) {
          const dir = trainedDir(ctx, s as StepName);
          if (dir && kind) out.push(await gds(['models', 'install'], [dir, '--kind', kind]));
        }
        if (!out.length) throw new Error('the install step needs a training step that finished in this run');
        return out;
      }
    }
  };
}
