// Worker thread that owns the ONNX sessions and tree-sitter: classification and suggestions off the main event loop.
import { parentPort } from 'node:worker_threads';
import { checkCells } from '../../ml/cell-limits.ts';
import { CachedClassifier } from '../../ml/classifier/cached-classifier.ts';
import { loadClassifier, type StageClassifier } from '../../ml/classifier/classifier.ts';
import type { Stage } from '../../ml/classifier/stages.ts';
import { lintNotebook } from '../../ml/guidance/lint.ts';
import { activeModelDir } from '../../pipeline/app-paths.ts';
import type { WorkerRequest, WorkerResponse } from './inference-protocol.ts';
import { createSuggester, type Suggester } from './suggester.ts';

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

/**
 * Per-source signals, kept per classifier: the editor sends the whole notebook after each pause, mostly unchanged
 * cells. A request still computing with a model that a reload replaced writes into that model's cache, never the new one's.
 */
const cached = new WeakMap<StageClassifier, CachedClassifier>();

async function cachedClassifier(): Promise<CachedClassifier> {
  const clf = await getClassifier();
  let c = cached.get(clf);
  if (!c) cached.set(clf, (c = new CachedClassifier(clf)));
  return c;
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'classify': {
      checkCells(req.sources); // a clear error for a cell too big or too deep, before any model reads it
      return (await cachedClassifier()).classify(req.sources, !!req.notebook);
    }
    case 'suggest': {
      checkCells(req.cells);
      // One stage source: the classifier in notebook context, as the badges show it.
      let stage: Stage | undefined;
      try {
        stage = await (await cachedClassifier()).stageAfter(req.cells);
      } catch {
        stage = undefined; // no classifier model: the recommender's own labeler names the stage
      }
      return (await getSuggester()).suggest(req.cells, req.top, {
        stage,
        columns: req.columns,
        files: req.files,
        markdown: req.markdown,
        bias: req.bias ? new Map(req.bias) : undefined,
      });
    }
    case 'lint':
      // Off the main loop like the models: a first run parses every cell (tens of ms for a long notebook).
      return lintNotebook(req.cells, { ignored: req.ignored });
    case 'warm': {
      // Loads both models before the first keystroke needs them; a missing model is not an error here.
      const loaded = await Promise.allSettled([getClassifier(), getSuggester()]);
      return loaded.map((r) => r.status);
    }
    case 'reload':
      // The next request loads the new model, with a cache of its own (the old one goes with the old model).
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
