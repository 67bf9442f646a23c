// Exact code of the chips written the way the notebook last wrote each key (as shipped) against the corpus's most
// common way first (as before), same chips, held-out statements. Usage: own-rendering.ts [SHARE] [github]
import { loadKeyModels, keyRecommender } from '../../ml/recommender/key-recommender.ts';
import { walkNotebook } from '../../ml/recommender/notebook-state.ts';
import { canonicalCode } from '../../ml/recommender/same-code.ts';
import { renderTemplate } from '../../ml/recommender/render.ts';
import { markParses, recommenderCorpus } from '../../pipeline/training/recommender/corpus-notebooks.ts';
import { rng } from '../../ml/random.ts';

const files = loadKeyModels('resources/models/recommender');
const rec = keyRecommender(files, 'rerank');
const share = Number(process.argv[2] ?? '0.03');
const gh = process.argv[3] === 'github';
const nbs = [...recommenderCorpus({ github: gh, kaggle: !gh })].filter((nb) => nb.heldOut);
markParses(nbs);
const r = rng(5);
const tally = { n: 0, own5: 0, corpus5: 0, own1: 0, corpus1: 0 };
for (const nb of nbs) {
  walkNotebook(nb.cells, (s, state) => {
    if (!s.key || r() > share) return;
    tally.n++;
    const chips = rec.suggestAt(state, s.first, { top: 5 });
    const truth = canonicalCode(s.text);
    const corpusFirst = chips.map((c) => {
      if (state.functions.has(c.key)) return c.text;
      const own = state.keyTemplate.get(c.key);
      return files.templates.render(c.key, { state }) ?? (own && renderTemplate(own, c.key, { state })) ?? c.text;
    });
    for (const [name, list] of [['own', chips.map((c) => c.text)], ['corpus', corpusFirst]] as const) {
      const exact = list.map((t) => canonicalCode(t) === truth);
      if (exact.includes(true)) tally[`${name}5`]++;
      if (exact[0]) tally[`${name}1`]++;
    }
  });
}
console.log(JSON.stringify(tally));
