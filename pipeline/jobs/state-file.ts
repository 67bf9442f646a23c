// Run folders and state.json: atomic writes (temp + fsync + rename) so a crash never leaves a torn state file.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../../ml/read-json-file.ts';
import { userDataDir } from '../app-paths.ts';
import { STEP_NAMES, type RunState } from './types.ts';

export function pipelineRoot(): string {
  return join(userDataDir(), 'pipeline');
}

export function statePath(root: string, runId: string): string {
  return join(root, runId, 'state.json');
}

/** Writes a file so readers see the old or the new content, never a half: temp file, fsync, rename, fsync dir. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    // The rename itself lives in the directory; fsync it so it survives a power cut too.
    const dfd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
  }
}

const nullableString = z.string().nullable().default(null);
const nullableNumber = z.number().nullable().default(null);

const StepStateSchema = z.object({
  name: z.enum(STEP_NAMES),
  status: z.enum(['pending', 'running', 'done', 'failed', 'cancelled']),
  attempts: z.number().int().nonnegative(),
  startedAt: nullableString,
  firstStartedAt: nullableString,
  endedAt: nullableString,
  exitCode: nullableNumber,
  pid: nullableNumber,
  logFile: z.string(),
  outDir: z.string(),
  resumedFrom: nullableString,
  commands: z.array(z.array(z.string())).default([]),
  fraction: nullableNumber,
  message: z.string().default(''),
  error: nullableString,
});

/** state.json as `saveState` writes it; fields that later versions added read as empty when absent. */
const RunStateSchema = z.object({
  version: z.literal(1),
  runId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: z.enum(['pending', 'running', 'done', 'failed', 'cancelled', 'interrupted']),
  managerPid: nullableNumber,
  options: z.object({
    corpus: z.string().optional(),
    db: z.string().optional(),
    epochs: z.number().optional(),
    maxCells: z.number().optional(),
    selfTrain: z.boolean().optional(),
    procs: z.number().int().min(1).optional(),
  }),
  steps: z.array(StepStateSchema),
}) satisfies z.ZodType<RunState, unknown>;

export function saveState(root: string, state: RunState): void {
  writeFileAtomic(statePath(root, state.runId), `${JSON.stringify(state, null, 1)}\n`);
}

export function loadState(root: string, runId: string): RunState {
  const p = statePath(root, runId);
  if (!existsSync(p)) throw new Error(`no pipeline run "${runId}" (looked for ${p})`);
  return readJsonFile(p, RunStateSchema);
}

/** Run ids, oldest first (ids start with a sortable timestamp). */
export function listRuns(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'state.json')))
    .map((d) => d.name)
    .sort();
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

/** True when a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
