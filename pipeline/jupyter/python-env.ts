// Finds a Python interpreter that can run a Jupyter server and an IPython kernel.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

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

/** The first candidate with jupyter_server and ipykernel; `need` adds further required packages (e.g. torch). */
export async function findPython(opts: { explicit?: string; need?: Array<keyof PythonInfo['packages']> } = {}): Promise<PythonInfo> {
  const tried = candidatePythons(opts.explicit);
  const need = ['jupyter_server', 'ipykernel', ...(opts.need ?? [])] as Array<keyof PythonInfo['packages']>;
  for (const path of tried) {
    const info = await probePython(path);
    if (info && need.every((n) => info.packages[n])) return info;
  }
  throw new PythonNotFoundError(tried);
}
