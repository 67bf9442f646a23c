// GPU detection through PyTorch: torch version, CUDA availability and device name, or how to install PyTorch.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { candidatePythons, findPython } from '../jupyter/python-env.ts';

const run = promisify(execFile);

export interface TorchInfo {
  python: string;
  torch: string | null;
  cuda: boolean;
  /** `cuda` when a GPU is usable, else `cpu`: what the trainers should train on. */
  device: 'cuda' | 'cpu';
  deviceName: string | null;
  cudaVersion: string | null;
  /** Set when PyTorch is missing: one line naming the command that installs it. */
  message: string | null;
}

const PROBE = `
import json
try:
    import torch
except Exception as e:
    print(json.dumps({"torch": None, "error": str(e)}))
else:
    ok = bool(torch.cuda.is_available())
    print(json.dumps({"torch": torch.__version__, "cuda": ok,
                      "name": torch.cuda.get_device_name(0) if ok else None, "cudaVersion": torch.version.cuda}))
`;

export function installHint(platform: NodeJS.Platform = process.platform, debian = false): string {
  return debian && platform === 'linux' ? 'sudo apt-get install python3-torch' : 'python3 -m pip install torch';
}

async function isDebian(): Promise<boolean> {
  try {
    await run('dpkg', ['--version'], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** The interpreter to train with: an explicit one, GDS_PYTHON, the first with torch, else /usr/bin/python3. */
export async function trainingPython(explicit?: string): Promise<string> {
  if (explicit) return explicit;
  if (process.env.GDS_PYTHON) return process.env.GDS_PYTHON;
  try {
    return (await findPython({ need: ['torch'] })).path;
  } catch {
    return candidatePythons()[0] ?? '/usr/bin/python3';
  }
}

/** Runs the interpreter once (async, ~1-3 s for `import torch`) and reports what training will run on. */
export async function detectTorch(python?: string): Promise<TorchInfo> {
  const path = await trainingPython(python);
  const missing = async (why: string): Promise<TorchInfo> => ({
    python: path,
    torch: null,
    cuda: false,
    device: 'cpu',
    deviceName: null,
    cudaVersion: null,
    message:
      `PyTorch is not available in ${path} (${why}). Install it with: ${installHint(process.platform, await isDebian())} (or set GDS_PYTHON to a ` +
      `Python that has it)`,
  });
  let out: string;
  try {
    out = (await run(path, ['-c', PROBE], { timeout: 120_000 })).stdout;
  } catch (e) {
    return missing(`could not run it: ${(e as Error).message.split('\n')[0]}`);
  }
  const j = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
    torch?: string | null;
    error?: string;
    cuda?: boolean;
    name?: string | null;
    cudaVersion?: string | null;
  };
  if (!j.torch) return missing(j.error ?? 'import torch failed');
  const cuda = j.cuda === true;
  return {
    python: path,
    torch: j.torch,
    cuda,
    device: cuda ? 'cuda' : 'cpu',
    deviceName: j.name ?? null,
    cudaVersion: j.cudaVersion ?? null,
    message: null,
  };
}

export function formatTorch(t: TorchInfo): string {
  if (t.message) return t.message;
  return `PyTorch ${t.torch} in ${t.python}: ${t.cuda ? `CUDA ${t.cudaVersion ?? ''} on ${t.deviceName ?? 'GPU'}` : 'no CUDA GPU, training on the CPU'}`;
}
