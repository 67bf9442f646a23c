// What the notebook-state reranker features (ml/recommender/context-features.ts) add to one suggestion request: rankKeys
// with and without them, at bench:suggest's kind of positions (statements of held-out Kaggle notebooks), same process,
// alternating so that a busy shared machine weighs on both alike.
//   node --import tsx scripts/experiments/context-features-cost.ts [MODEL_DIR]
import { performance } from 'node:perf_hooks';
import { activeModelDir } from '../../pipeline/app-paths.ts';
import { contextFeatures } from '../../ml/recommender/context-features.ts';
import { loadKeyModels } from '../../ml/recommender/key-recommender.ts';
import { rankKeys } from '../../ml/recommender/key-ranker.ts';
import { walkNotebook, type NotebookState } from '../../ml/recommender/notebook-state.ts';
import { recommenderCorpus } from '../../pipeline/training/recommender/corpus-notebooks.ts';
import { rng } from '../../ml/random.ts';

const { models } = loadKeyModels(process.argv[2] ?? activeModelDir('recommender'));
const positions: Array<{ state: NotebookState; first: boolean }> = [];
const r = rng(5);
for (const nb of recommenderCorpus({ github: false })) {
  if (!nb.heldOut) continue;
  walkNotebook(nb.cells, (s, state) => {
    if (r() < 0.15) positions.push({ state: state.clone(), first: s.first });
  });
  if (positions.length > 300) break;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const rank: number[] = [];
const ctx: number[] = [];
for (let round = 0; round < 3; round++) {
  for (const p of positions) {
    const t0 = performance.now();
    const cands = rankKeys(models, p);
    const t1 = performance.now();
    const c = contextFeatures(models.ngram, p.state);
    for (const k of cands) c.of(k.key);
    const t2 = performance.now();
    if (round > 0) {
      rank.push(t1 - t0);
      ctx.push(t2 - t1);
    }
  }
}
console.log(`${positions.length} positions × 2 rounds: rankKeys (with the features) p50 ${pct(rank, 50).toFixed(2)} p95 ${pct(rank, 95).toFixed(2)} ms; ` +
  `context features alone p50 ${pct(ctx, 50).toFixed(2)} p95 ${pct(ctx, 95).toFixed(2)} ms`);
