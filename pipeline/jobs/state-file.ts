// Run folders and state.json: atomic writes (temp + fsync + rename) so a crash never leaves a torn state file.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { userDataDir } from '../app-paths.ts';
import type { RunState } from './types.ts';

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

export function saveState(root: string, state: RunState): void {
  writeFileAtomic(statePath(root, state.runId), `${JSON.stringify(state, null, 1)}\n`);
}

export function loadState(root: string, runId: string): RunState {
  const p = statePath(root, runId);
  if (!existsSync(p)) throw new Error(`no pipeline run "${runId}" (looked for ${p})`);
  const s = JSON.parse(readFileSync(p, 'utf8')) as RunState;
  if (s.version !== 1 || !Array.isArray(s.steps)) throw new Error(`${p} is not a pipeline state file`);
  return s;
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
