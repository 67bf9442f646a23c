// `gds doctor` and the app's About panel: checks every part GDS needs and says how to fix what is missing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorCheck } from '../../preload/contract.ts';
import { candidatePythons, probePython, type PythonInfo } from '../../pipeline/jupyter/python-env.ts';
import { activeModelDir } from '../../pipeline/app-paths.ts';
import { availableProviders } from '../../ml/onnx-session.ts';

const APT = 'sudo apt-get install -y';

async function bestPython(): Promise<PythonInfo | null> {
  let best: PythonInfo | null = null;
  const score = (p: PythonInfo) => Object.values(p.packages).filter(Boolean).length;
  for (const path of candidatePythons()) {
    const info = await probePython(path);
    if (info && (!best || score(info) > score(best))) best = info;
  }
  return best;
}

function modelCheck(kind: 'classifier' | 'recommender'): DoctorCheck {
  const dir = activeModelDir(kind);
  const manifest = join(dir, 'manifest.json');
  if (existsSync(manifest)) {
    let detail = dir;
    try {
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as { created?: string; version?: string };
      detail = `${dir}${m.created ? ` (trained ${m.created})` : ''}`;
    } catch {
      return { name: `model: ${kind}`, ok: false, detail: `${manifest} is not valid JSON`, fix: `gds train ${kind}` };
    }
    return { name: `model: ${kind}`, ok: true, detail };
  }
  return { name: `model: ${kind}`, ok: false, detail: 'no model found', fix: `reinstall GDS or run: gds train ${kind}` };
}

export async function runDoctor(): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const node = process.versions.node;
  checks.push({ name: 'node', ok: Number(node.split('.')[0]) >= 20, detail: `v${node}`, fix: 'install Node.js 20 or newer' });
  const py = await bestPython();
  checks.push(py
    ? { name: 'python', ok: true, detail: `${py.path} (Python ${py.version})` }
    : { name: 'python', ok: false, detail: 'no Python 3 found', fix: `${APT} python3 (or set GDS_PYTHON)` });
  const pkg = (name: keyof PythonInfo['packages'], deb: string, pip: string, purpose: string): DoctorCheck => {
    const v = py?.packages[name];
    return v
      ? { name, ok: true, detail: `${v} in ${py?.path}` }
      : { name, ok: false, detail: `missing (${purpose})`, fix: `${APT} ${deb}   or   ${py?.path ?? 'python3'} -m pip install ${pip}` };
  };
  checks.push(pkg('jupyter_server', 'jupyter-server', 'jupyter_server', 'runs kernels'));
  checks.push(pkg('ipykernel', 'python3-ipykernel', 'ipykernel', 'the Python kernel'));
  checks.push(pkg('nbformat', 'python3-nbformat', 'nbformat', 'notebook validation'));
  checks.push(pkg('torch', 'python3-torch', 'torch', 'training models; not needed to use them'));
  checks.push(pkg('onnx', 'python3-onnx', 'onnx', 'exporting trained models'));
  checks.push(modelCheck('classifier'));
  checks.push(modelCheck('recommender'));
  const eps = availableProviders();
  checks.push({
    name: 'onnxruntime',
    ok: true,
    detail: `execution providers: ${eps.join(', ')}${eps.includes('cuda') ? '' : ' (CPU only)'}`,
    ...(eps.includes('cuda') ? {} : { fix: 'for GPU inference: npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12 (needs CUDA 12)' }),
  });
  return checks;
}
