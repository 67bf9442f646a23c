// Worker thread that owns the ONNX sessions and tree-sitter: classification and suggestions off the main event loop.
import { parentPort } from 'node:worker_threads';
import { checkCells } from '../../ml/cell-limits.ts';
import { loadClassifier, type CellSignals, type Classification, type StageClassifier } from '../../ml/classifier/classifier.ts';
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
const cellCaches = new WeakMap<StageClassifier, Map<string, CellSignals>>();
const CELL_CACHE_MAX = 20_000;

async function classifyCached(sources: string[], notebook: boolean): Promise<Classification[]> {
  const clf = await getClassifier();
  let cellCache = cellCaches.get(clf);
  if (!cellCache) cellCaches.set(clf, (cellCache = new Map()));
  const known = new Map(sources.flatMap((s) => (cellCache.has(s) ? [[s, cellCache.get(s)!] as const] : [])));
  const missing = [...new Set(sources.filter((s) => !known.has(s)))];
  if (missing.length) {
    const fresh = await clf.signals(missing);
    if (cellCache.size + missing.length > CELL_CACHE_MAX) cellCache.clear();
    missing.forEach((s, i) => (known.set(s, fresh[i]!), cellCache.set(s, fresh[i]!)));
  }
  const signals = sources.map((s) => known.get(s)!);
  if (!notebook) return signals.map((s) => clf.alone(s));
  // The stacker and the context rules are cheap next to the LSTM: rerun over the notebook on every request.
  const stream = clf.notebookStream();
  return sources.map((s, i) => stream.next(s, signals[i]!));
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'classify': {
      checkCells(req.sources); // a clear error for a cell too big or too deep, before any model reads it
      return classifyCached(req.sources, !!req.notebook);
    }
    case 'suggest': {
      checkCells(req.cells);
      // One stage source: the classifier in notebook context, as the badges show it.
      const filled = req.cells.filter((c) => c.trim());
      let stage: Classification['stage'] | undefined;
      try {
        stage = filled.length ? (await classifyCached(filled, true)).at(-1)?.stage : 'import';
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
