// Worker thread that owns the ONNX sessions and tree-sitter: classification and suggestions off the main event loop.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { loadClassifier, type StageClassifier } from '../../ml/classifier/classifier.ts';
import { bundledModelsDir, installedModelsDir } from '../../pipeline/app-paths.ts';
import type { WorkerRequest, WorkerResponse } from './inference-protocol.ts';
import { createSuggester, type Suggester } from './suggester.ts';

/** The user's installed model wins over the bundled one (the training wizard installs there). */
export function activeModelDir(kind: 'classifier' | 'recommender'): string {
  const installed = join(installedModelsDir(), kind);
  return existsSync(join(installed, 'manifest.json')) ? installed : join(bundledModelsDir(), kind);
}

let classifier: Promise<StageClassifier> | null = null;
let suggester: Promise<Suggester> | null = null;

function getClassifier(): Promise<StageClassifier> {
  classifier ??= loadClassifier(activeModelDir('classifier')).catch((e: unknown) => {
    classifier = null;
    throw e;
  });
  return classifier;
}

function getSuggester(): Promise<Suggester> {
  suggester ??= createSuggester(activeModelDir('recommender')).catch((e: unknown) => {
    suggester = null;
    throw e;
  });
  return suggester;
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'classify':
      return (await getClassifier()).classify(req.sources);
    case 'suggest':
      return (await getSuggester()).suggest(req.cells, req.top);
    case 'reload':
      classifier = null;
      suggester = null;
      return null;
  }
}

parentPort?.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (result) => parentPort?.postMessage({ id: req.id, ok: true, result } satisfies WorkerResponse),
    (e: unknown) => parentPort?.postMessage({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies WorkerResponse),
  );
});
