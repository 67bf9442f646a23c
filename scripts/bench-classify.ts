// Throughput (cells/s) of the stage classifier on the hand-labelled cells and p95 latency of single-cell calls.
import { readFileSync } from 'node:fs';
import { goldPath } from '../pipeline/corpus-cache.ts';
import { loadClassifier } from '../ml/classifier/classifier.ts';
import { labelCells } from '../ml/classifier/weak-labels.ts';
import { clearFeatureCache } from '../ml/classifier/notebook-context.ts';

const rows = readFileSync(goldPath(), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { source: string; notebook: string; code_cell: number });
const sources = rows.map((r) => r.source);
const dir = process.argv[2];
const clf = await loadClassifier(...(dir ? [dir] : []));
await clf.classify(sources.slice(0, 8)); // warm-up

const rounds = 3;
let t = performance.now();
// Cells are parsed once and cached by source; every measure below starts from cells not seen before.
for (let r = 0; r < rounds; r++) {
  clearFeatureCache();
  await clf.classify(sources);
}
const batchSeconds = (performance.now() - t) / 1000;

const latencies: number[] = [];
clearFeatureCache();
for (const s of sources.slice(0, 300)) {
  const t0 = performance.now();
  await clf.classify([s]);
  latencies.push(performance.now() - t0);
}
latencies.sort((a, b) => a - b);
const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;

t = performance.now();
labelCells(sources);
const lfSeconds = (performance.now() - t) / 1000;

// The editor after a typing pause: the notebook's cells (one changed) go through the LSTM only if new, then the
// stacker (or the context rules) reads the whole notebook again. Per gold notebook (its labelled cells, in order).
const notebooks = new Map<string, string[]>();
for (const r of [...rows].sort((a, b) => a.code_cell - b.code_cell)) notebooks.set(r.notebook, [...(notebooks.get(r.notebook) ?? []), r.source]);
const whole: number[] = [];
const restack: number[] = [];
clearFeatureCache();
for (const cells of notebooks.values()) {
  let t0 = performance.now();
  const sig = await clf.signals(cells);
  const stream = clf.notebookStream();
  cells.forEach((c, i) => stream.next(c, sig[i]!));
  whole.push(performance.now() - t0);
  t0 = performance.now();
  const again = clf.notebookStream();
  cells.forEach((c, i) => again.next(c, sig[i]!));
  restack.push(performance.now() - t0);
}
const p95 = (xs: number[]): number => +[...xs].sort((a, b) => a - b)[Math.floor(0.95 * xs.length)]!.toFixed(2);

const result = {
  model: clf.modelDir,
  labelModelWeight: clf.labelModelWeight,
  ortThreads: Number(process.env.GDS_ORT_THREADS ?? 1),
  batchCellsPerSecond: Math.round((rounds * sources.length) / batchSeconds),
  singleCellMs: { p50: +pct(0.5).toFixed(2), p95: +pct(0.95).toFixed(2), max: +latencies[latencies.length - 1]!.toFixed(2) },
  labelCellsPerSecond: Math.round(sources.length / lfSeconds),
  stacked: clf.stacked,
  notebookMs: { notebooks: notebooks.size, meanCells: +(sources.length / notebooks.size).toFixed(1), wholeP95: p95(whole), contextOnlyP95: p95(restack) },
  cells: sources.length,
};
console.log(JSON.stringify(result, null, 1));
