// Creates onnxruntime-node sessions on CUDA when this machine has it, on CPU otherwise.
import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';

const require = createRequire(import.meta.url);
export const ort = require('onnxruntime-node') as typeof Ort;

export type ExecutionProvider = 'cuda' | 'cpu';

let chosen: ExecutionProvider | undefined;

/** CUDA only when its provider binaries are installed (`--onnxruntime-node-install=cuda12`) and GDS_NO_CUDA is unset. */
export function availableProviders(): ExecutionProvider[] {
  const backends = ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
  const cuda = !process.env.GDS_NO_CUDA && backends.some((b) => b.name === 'cuda' && b.bundled);
  return cuda ? ['cuda', 'cpu'] : ['cpu'];
}

export async function createSession(modelPath: string): Promise<Ort.InferenceSession> {
  const providers = availableProviders();
  for (const ep of providers) {
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [ep],
        // Two cores here and in CI: one intra-op thread keeps concurrent sessions from fighting.
        intraOpNumThreads: Number(process.env.GDS_ORT_THREADS ?? 1),
        graphOptimizationLevel: 'all',
      });
      chosen = ep;
      return session;
    } catch (e) {
      if (ep === 'cpu') throw new Error(`cannot load ONNX model ${modelPath}: ${(e as Error).message}`);
    }
  }
  throw new Error(`cannot load ONNX model ${modelPath}`);
}

/** The provider the last session actually runs on (reported by `gds doctor`). */
export function activeProvider(): ExecutionProvider | undefined {
  return chosen;
}
