// Why the true key is missing from the pooled candidates at held-out statements: never seen in training, a call of
// the notebook's own function, or seen but ranked below the pool. Also recall at larger pools.
import { loadKeyModels } from '../../ml/recommender/key-recommender.ts';
import { histories, NONE, CELL, START, rankKeys } from '../../ml/recommender/key-ranker.ts';
import { walkNotebook } from '../../ml/recommender/notebook-state.ts';
import { markParses, recommenderCorpus } from '../../pipeline/training/recommender/corpus-notebooks.ts';
import { rng } from '../../ml/random.ts';

const dir = process.argv[2] ?? 'resources/models/recommender';
const github = process.argv[3] === 'github';
const files = loadKeyModels(dir);
const models = files.models;
const vocab = new Set(models.ngram.vocab);
const nbs = [...recommenderCorpus({ github, kaggle: !github })].filter((nb) => nb.heldOut);
markParses(nbs);
const r = rng(5);
const t = {
  n: 0,
  pool: 0,
  unseen: 0,
  ownCall: 0,
  ownCallUncalled: 0,
  seenNotPooled: 0,
  p100: 0,
  p300: 0,
  p1000: 0,
  inNotebookLater: 0,
  unseenSingle: 0,
  first: 0,
  firstPool: 0,
};
const unseenEx: string[] = [];
const seenEx = new Map<string, number>();
for (const nb of nbs) {
  walkNotebook(nb.cells, (s, state) => {
    if (!s.key || r() > 0.08) return;
    t.n++;
    if (s.first) t.first++;
    const keys = rankKeys(models, { state, first: s.first }).map((c) => c.key);
    if (keys.includes(s.key)) {
      t.pool++;
      if (s.first) t.firstPool++;
      return;
    }
    const calls = s.key.split(' ');
    const own = calls.some((c) => !c.startsWith('.') && !c.includes('.') && !c.startsWith('import:') && state.defined.has(c));
    if (!vocab.has(s.key)) {
      t.unseen++;
      if (calls.length === 1) t.unseenSingle++;
      if (own) {
        t.ownCall++;
        if (calls.every((c) => (state.defined.has(c) ? !state.keyCounts.has(c) : true))) t.ownCallUncalled++;
      } else if (unseenEx.length < 60 && r() < 0.3) unseenEx.push(s.key);
      return;
    }
    t.seenNotPooled++;
    seenEx.set(s.key, (seenEx.get(s.key) ?? 0) + 1);
    const { plain } = histories({ state, first: s.first }, models.ngram.order);
    const skip = (k: string) => k === NONE || k === CELL || k === START;
    const big = models.ngram.predict(plain, 1000, skip).map((c) => c.key);
    const at = big.indexOf(s.key);
    if (at >= 0 && at < 100) t.p100++;
    if (at >= 0 && at < 300) t.p300++;
    if (at >= 0) t.p1000++;
  });
}
console.log(JSON.stringify(t));
console.log('unseen, not own:', unseenEx.join(' | '));
console.log(
  'seen not pooled:',
  [...seenEx]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 40)
    .map(([k, n]) => `${n} ${k}`)
    .join(' | '),
);
