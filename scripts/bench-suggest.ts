// p50/p95 of one suggestion request as the app's worker answers it (stage from the classifier in context, with its
// per-cell cache + key walk + candidates + rerank + rendering), at statements of held-out Kaggle notebooks.
import { activeModelDir } from '../pipeline/app-paths.ts';
import { loadRecommender, type RecommenderKind } from '../ml/recommender/recommender.ts';
import { CachedClassifier } from '../ml/classifier/cached-classifier.ts';
import { loadClassifier } from '../ml/classifier/classifier.ts';
import { walkNotebook } from '../ml/recommender/notebook-state.ts';
import { recommenderCorpus } from '../pipeline/training/recommender/corpus-notebooks.ts';
import { rng } from '../ml/random.ts';

const dir = process.argv[2] ?? activeModelDir('recommender');
const kinds = (process.env.BENCH_KINDS ?? 'rerank,ngram-cache').split(',') as RecommenderKind[];
const N_NOTEBOOKS = Number(process.env.BENCH_NOTEBOOKS ?? 30);

// Requests as the editor sends them: every earlier code cell, then the current cell up to the cursor (empty: a new cell).
const requests: string[][] = [];
const r = rng(5);
for (const nb of recommenderCorpus({ github: false })) {
  if (!nb.heldOut) continue;
  const cells = nb.cells.map((c) => c.source);
  walkNotebook(nb.cells, (s) => {
    if (r() > 0.15) return;
    const source = cells[s.cell] ?? '';
    requests.push([...cells.slice(0, s.cell), s.first ? '' : source.slice(0, s.start)]);
  });
  if (new Set(requests.map((q) => q.length)).size && requests.length > N_NOTEBOOKS * 8) break;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

// The worker's own classifier cache: unchanged cells keep their signals, the stream reruns over the notebook.
const classifier = new CachedClassifier(await loadClassifier());
const stageOf = (cells: string[]) => classifier.stageAfter(cells);

const cellsPerRequest = requests.map((q) => q.length);
console.log(`${requests.length} requests, ${pct(cellsPerRequest, 50)} cells median (max ${Math.max(...cellsPerRequest)})`);
for (const kind of kinds) {
  const rec = await loadRecommender(dir, { kind });
  // Warm-up: the editor has sent earlier requests on the same notebook, so unchanged cells are cached.
  for (const q of requests.slice(0, 20)) await rec.suggest(q, { top: 5, stage: await stageOf(q) });
  for (const q of requests) await stageOf(q.slice(0, -1));
  const total: number[] = [];
  const suggestOnly: number[] = [];
  for (const q of requests) {
    const t0 = performance.now();
    const stage = await stageOf(q);
    const t1 = performance.now();
    await rec.suggest(q, { top: 5, stage });
    const t2 = performance.now();
    total.push(t2 - t0);
    suggestOnly.push(t2 - t1);
  }
  console.log(
    `${kind}: n=${total.length} request p50=${pct(total, 50).toFixed(1)} ms p95=${pct(total, 95).toFixed(1)} ms; without the stage ` +
      `p50=${pct(suggestOnly, 50).toFixed(1)} p95=${pct(suggestOnly, 95).toFixed(1)} ms`,
  );
}
