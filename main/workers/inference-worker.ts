// Worker thread that owns the ONNX sessions and tree-sitter: classification and suggestions off the main event loop.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { loadClassifier, type Classification, type StageClassifier } from '../../ml/classifier/classifier.ts';
import { withNotebookContext } from '../../ml/classifier/notebook-context.ts';
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

/** Per-source results of the current model: the editor sends the whole notebook after each pause, mostly unchanged cells. */
const cellCache = new Map<string, Classification>();
const CELL_CACHE_MAX = 20_000;

async function classifyCached(sources: string[]): Promise<Classification[]> {
  const missing = [...new Set(sources.filter((s) => !cellCache.has(s)))];
  if (missing.length) {
    const fresh = await (await getClassifier()).classify(missing);
    if (cellCache.size + missing.length > CELL_CACHE_MAX) cellCache.clear();
    missing.forEach((s, i) => cellCache.set(s, fresh[i]!));
  }
  return sources.map((s) => cellCache.get(s)!);
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'classify': {
      const cells = await classifyCached(req.sources);
      return req.notebook ? withNotebookContext(req.sources, cells) : cells;
    }
    case 'suggest':
      return (await getSuggester()).suggest(req.cells, req.top);
    case 'reload':
      classifier = null;
      cellCache.clear();
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
