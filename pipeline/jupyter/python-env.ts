// Finds a Python interpreter that can run a Jupyter server and an IPython kernel.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { userDataDir } from '../app-paths.ts';

const run = promisify(execFile);

export interface PythonInfo {
  path: string;
  version: string;
  packages: Record<'jupyter_server' | 'ipykernel' | 'torch' | 'nbformat' | 'onnx', string | null>;
}

// find_spec + package metadata instead of imports: importing torch costs seconds of CPU per interpreter probed.
const PROBE = `
import json, sys, importlib.util
from importlib import metadata
dists = {"jupyter_server": "jupyter_server", "ipykernel": "ipykernel", "torch": "torch", "nbformat": "nbformat", "onnx": "onnx"}
out = {"version": sys.version.split()[0], "packages": {}}
for mod, dist in dists.items():
    try:
        found = importlib.util.find_spec(mod) is not None
    except Exception:
        found = False
    if not found:
        out["packages"][mod] = None
        continue
    try:
        out["packages"][mod] = metadata.version(dist)
    except Exception:
        out["packages"][mod] = "unknown"
print(json.dumps(out))
`;

/** Candidate interpreters in order of preference: explicit setting, env, active venv/conda, PATH, common locations. */
export function candidatePythons(explicit?: string): string[] {
  const bin = process.platform === 'win32' ? 'Scripts' : 'bin';
  const exe = process.platform === 'win32' ? 'python.exe' : 'python3';
  const list: string[] = [];
  if (explicit) list.push(explicit);
  if (process.env.GDS_PYTHON) list.push(process.env.GDS_PYTHON);
  if (process.env.VIRTUAL_ENV) list.push(join(process.env.VIRTUAL_ENV, bin, exe));
  if (process.env.CONDA_PREFIX) list.push(join(process.env.CONDA_PREFIX, bin, exe));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir) list.push(join(dir, exe), join(dir, 'python'));
  }
  const home = homedir();
  list.push(
    '/usr/bin/python3',
    '/usr/local/bin/python3',
    '/opt/homebrew/bin/python3',
    join(home, '.venv', bin, exe),
    join(home, 'venv', bin, exe),
    join(home, 'miniconda3', bin, exe),
    join(home, 'anaconda3', bin, exe),
    '/opt/conda/bin/python3',
  );
  return [...new Set(list)].filter((p) => existsSync(p));
}

export async function probePython(path: string): Promise<PythonInfo | null> {
  try {
    const { stdout } = await run(path, ['-c', PROBE], { timeout: 30_000 });
    const parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Omit<PythonInfo, 'path'>;
    return { path, ...parsed };
  } catch {
    return null;
  }
}

export class PythonNotFoundError extends Error {
  constructor(readonly tried: string[]) {
    super(
      `No Python with jupyter_server and ipykernel found (tried: ${tried.join(', ') || 'none'}). ` +
        `Install them (Debian/Ubuntu: sudo apt-get install jupyter-server python3-ipykernel; ` +
        `elsewhere: python3 -m pip install jupyter_server ipykernel) or set GDS_PYTHON to an interpreter that has them.`,
    );
  }
}

const found = new Map<string, Promise<PythonInfo>>();

/** The last answer, on disk: which interpreter qualified among which candidates. */
const ChoiceSchema = z.object({ key: z.string(), path: z.string() });
const choiceFile = () => join(userDataDir(), 'python-choice.json');

function readChoice(key: string): string | null {
  try {
    const c = ChoiceSchema.parse(JSON.parse(readFileSync(choiceFile(), 'utf8')));
    return c.key === key ? c.path : null;
  } catch {
    return null; // none yet, or unreadable: probe them all
  }
}

function writeChoice(key: string, path: string): void {
  try {
    mkdirSync(userDataDir(), { recursive: true });
    writeFileSync(choiceFile(), JSON.stringify({ key, path }));
  } catch {
    // a read-only data folder only costs the next start its probing time
  }
}

async function probeAll(tried: string[], need: Array<keyof PythonInfo['packages']>, key: string): Promise<PythonInfo> {
  const infos = await Promise.all(tried.map((path) => probePython(path)));
  const info = infos.find((i) => i && need.every((n) => i.packages[n]));
  if (!info) throw new PythonNotFoundError(tried);
  writeChoice(key, info.path);
  return info;
}

/**
 * The first candidate with jupyter_server and ipykernel; `need` adds further required packages (e.g. torch).
 * Candidates are probed at once, not in turn: a pyenv shim alone takes 0.4 s to start, and start-up waits for this.
 * With the same candidates as last time, last time's choice is probed alone and used when it still qualifies; all are
 * probed again a little later, so an interpreter that gained the packages is preferred from the next start on.
 * The answer is kept for the life of the process (a failure is not, so installing the packages and retrying works).
 */
export function findPython(opts: { explicit?: string; need?: Array<keyof PythonInfo['packages']> } = {}): Promise<PythonInfo> {
  const tried = candidatePythons(opts.explicit);
  const need = ['jupyter_server', 'ipykernel', ...(opts.need ?? [])] as Array<keyof PythonInfo['packages']>;
  const key = JSON.stringify([tried, need]);
  let answer = found.get(key);
  if (!answer) {
    const last = readChoice(key);
    answer = (async () => {
      const info = last ? await probePython(last) : null;
      if (!info || !need.every((n) => info.packages[n])) return probeAll(tried, need, key);
      setTimeout(() => void probeAll(tried, need, key).catch(() => undefined), 15_000).unref();
      return info;
    })();
    found.set(key, answer);
    answer.catch(() => found.delete(key));
  }
  return answer;
}
