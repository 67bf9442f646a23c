// Compares the TypeScript call keys with the metric's Python reference on a sample of corpus notebooks; prints the agreement.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { walkNotebook } from '../../ml/recommender/notebook-state.ts';
import { markParses, recommenderCorpus, type RecNotebook } from '../../pipeline/training/recommender/corpus-notebooks.ts';
import { sharedDir } from '../../pipeline/corpus-cache.ts';

const n = Number(process.argv[2] ?? 300);
const every = Number(process.argv[3] ?? 50);
const nbs: RecNotebook[] = [];
let i = 0;
for (const nb of recommenderCorpus()) if (i++ % every === 0 && nbs.length < n) nbs.push(nb);
// Without --python-parses the port decides alone which cells parse (as the app does).
if (process.argv.includes('--python-parses')) markParses(nbs);
const picked = nbs.map((nb) => nb.cells.map((c) => c.source));
const ours = nbs.map((nb) => {
  const rows: Array<[number, string]> = [];
  walkNotebook(nb.cells, (s) => rows.push([s.cell, s.key]));
  return rows;
});
const py = spawnSync('/usr/bin/python3', [join(import.meta.dirname, '..', 'recommender', 'reference-keys.py')], {
  input: picked.map((c) => JSON.stringify(c)).join('\n') + '\n',
  env: { ...process.env, GDS_SPECS: join(sharedDir(), 'specs') },
  maxBuffer: 1 << 30,
});
if (py.status !== 0) throw new Error(py.stderr.toString());
const ref = py.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as Array<[number, number, string]>);
let same = 0;
let total = 0;
let shown = 0;
ref.forEach((rows, k) => {
  const mine = ours[k] ?? [];
  const byCellRef = rows.map((r) => `${r[0]}|${r[2]}`);
  const byCellOurs = mine.map((r) => `${r[0]}|${r[1]}`);
  total += Math.max(byCellRef.length, byCellOurs.length);
  for (let j = 0; j < Math.min(byCellRef.length, byCellOurs.length); j++) {
    if (byCellRef[j] === byCellOurs[j]) same++;
    else if (shown++ < 15) console.log(`nb ${k} #${j}: ref ${byCellRef[j]} | ours ${byCellOurs[j]}`);
  }
  if (byCellRef.length !== byCellOurs.length && shown++ < 15) console.log(`nb ${k}: ref ${byCellRef.length} statements, ours ${byCellOurs.length}`);
});
console.log(JSON.stringify({ notebooks: picked.length, statements: total, same, agreement: same / Math.max(1, total) }));
