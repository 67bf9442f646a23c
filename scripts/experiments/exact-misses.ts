// Where rendering loses exact code: held-out statements whose call key a chip has right but whose code no chip has,
// classified by what differs (names, string literals, numbers, or the shape: other arguments).
import { loadKeyModels, keyRecommender } from '../../ml/recommender/key-recommender.ts';
import { walkNotebook } from '../../ml/recommender/notebook-state.ts';
import { canonicalCode } from '../../ml/recommender/same-code.ts';
import { keyOfText } from '../../ml/recommender/call-key.ts';
import { markParses, recommenderCorpus } from '../../pipeline/training/recommender/corpus-notebooks.ts';
import { rng } from '../../ml/random.ts';

const dir = process.argv[2] ?? 'resources/models/recommender';
const share = Number(process.argv[3] ?? '0.03');
const rec = keyRecommender(loadKeyModels(dir), 'rerank');
const nbs = [...recommenderCorpus({ github: false })].filter((nb) => nb.heldOut);
markParses(nbs);
const r = rng(5);
const t: Record<string, number> = { n: 0, keyHit5: 0, exact5: 0 };
const examples: string[] = [];
// Canonical forms with identifiers, strings and numbers blanked, to tell what differs.
const shape = (c: string, what: RegExp) => c.replace(what, '_');
const IDENT = /identifier\([^)]*\)|\b(?!str\b)[A-Za-z_]\w*(?=[ )])/g;
for (const nb of nbs) {
  walkNotebook(nb.cells, (s, state) => {
    if (!s.key || r() > share) return;
    t.n!++;
    const chips = rec.suggestAt(state, s.first, { top: 5 });
    const truth = canonicalCode(s.text);
    const same = chips.filter((c) => keyOfText(c.text, state.aliases)?.join(' ') === s.key);
    if (!same.length) return;
    t.keyHit5!++;
    if (chips.some((c) => canonicalCode(c.text) === truth)) return void t.exact5!++;
    const chip = canonicalCode(same[0]!.text) ?? '';
    const tr = truth ?? '';
    const strs = /str\("[^"]*"\)/g;
    const nums = /(integer|float)\([^)]*\)|\b\d+(\.\d+)?\b/g;
    let why = 'shape';
    if (shape(chip, strs) === shape(tr, strs)) why = 'strings';
    else if (shape(chip, nums) === shape(tr, nums)) why = 'numbers';
    else if (shape(shape(chip, strs), nums) === shape(shape(tr, strs), nums)) why = 'strings+numbers';
    else if (shape(chip, IDENT) === shape(tr, IDENT)) why = 'names';
    else if (shape(shape(shape(chip, strs), nums), IDENT) === shape(shape(shape(tr, strs), nums), IDENT)) why = 'names+literals';
    const own = state.keyTemplate.get(s.key);
    t[why] = (t[why] ?? 0) + 1;
    if (examples.length < 150) examples.push(`${why}\n  truth: ${s.text.trim().slice(0, 140)}\n  chip:  ${same[0]!.text.slice(0, 140)}${own ? `\n  own:   ${own}` : ''}`);
  });
}
console.log(JSON.stringify(t));
console.log(examples.join('\n'));
