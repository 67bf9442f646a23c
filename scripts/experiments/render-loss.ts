// How much of the key ranking survives rendering: top-k by key alone vs the rendered chips, at held-out statements.
import { loadKeyModels, keyRecommender } from '../../ml/recommender/key-recommender.ts';
import { rankKeys } from '../../ml/recommender/key-ranker.ts';
import { walkNotebook } from '../../ml/recommender/notebook-state.ts';
import { markParses, recommenderCorpus } from '../../pipeline/training/recommender/corpus-notebooks.ts';
import { rng } from '../../ml/random.ts';

const dir = process.argv[2] ?? '/tmp/rk/m1';
const files = loadKeyModels(dir);
const rec = keyRecommender(files, 'rerank');
const nbs = [...recommenderCorpus({ github: false })].filter((nb) => nb.heldOut);
markParses(nbs);
const r = rng(3);
const t = { n: 0, key1: 0, key5: 0, chip1: 0, chip5: 0, pool: 0, unrendered: 0, tried: 0 };
const misses = new Map<string, number>();
for (const nb of nbs) {
  walkNotebook(nb.cells, (s, state) => {
    if (!s.key || r() > 0.05) return;
    t.n++;
    const ranked = rankKeys(files.models, { state, first: s.first });
    const keys = ranked.map((c) => c.key);
    if (keys[0] === s.key) t.key1++;
    if (keys.slice(0, 5).includes(s.key)) t.key5++;
    if (keys.includes(s.key)) t.pool++;
    const chips = rec.suggestAt(state, s.first, { top: 5 });
    if (chips[0]?.key === s.key) t.chip1++;
    if (chips.some((c) => c.key === s.key)) t.chip5++;
    if (keys.slice(0, 5).includes(s.key) && !chips.some((c) => c.key === s.key)) {
      t.unrendered++;
      const k = s.key.split(' ')[0] ?? '';
      misses.set(k, (misses.get(k) ?? 0) + 1);
    }
  });
}
console.log(JSON.stringify(t));
console.log([...misses].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, n]) => `${n} ${k}`).join('\n'));
