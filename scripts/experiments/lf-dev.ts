// Development loop for labeling functions: accuracy of the statement rule, majority vote and a label model fitted on
// a corpus sample, per hand-label file and half; `--errors` lists the dev-half mistakes to read (never the test half).
//   node --import tsx scripts/experiments/lf-dev.ts [--sample 40000] [--errors GOLD:PRED] [--file PATH] [--part dev|test]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { readNotebookFile } from '../../pipeline/notebook/read-notebook-file.ts';
import { ensureKaggleCorpus, goldPath } from '../../pipeline/corpus-cache.ts';
import { handLabelsPath } from '../../pipeline/app-paths.ts';
import { readCorpusCells } from '../../pipeline/training/classifier/corpus-cells.ts';
import { excludeGold, unitHash } from '../../pipeline/training/classifier/lstm-training-set.ts';
import { readGold, splitGold, type GoldCell } from '../../pipeline/training/classifier/gold.ts';
import { LABELING_FUNCTIONS, applyLfs, extractFeatures } from '../../ml/classifier/labeling-functions/index.ts';
import { argmax, majorityVote, predictProba } from '../../ml/classifier/label-model.ts';
import { fitLabelModel } from '../../pipeline/training/classifier/fit-label-model.ts';
import { majorityStage, stageLines } from '../../ml/classifier/labeling-functions/statement-rules.ts';
import { STAGES, type Stage } from '../../ml/classifier/stages.ts';

const { values } = parseArgs({
  options: {
    sample: { type: 'string', default: '40000' },
    errors: { type: 'string' },
    file: { type: 'string', multiple: true },
    part: { type: 'string', default: 'dev' },
    max: { type: 'string', default: '40' },
  },
});

const files = values.file ?? [goldPath(), handLabelsPath()];
const sets = files.map((f) => ({ path: f, cells: readGold(f, goldPath()) }));
const sampleSize = Number(values.sample);
const cacheDir = join(tmpdir(), 'gds-lf-dev');
mkdirSync(cacheDir, { recursive: true });
const cachePath = join(cacheDir, `sample-${sampleSize}.json`);
let sample: string[];
if (existsSync(cachePath)) sample = JSON.parse(readFileSync(cachePath, 'utf8')) as string[];
else {
  const all = readCorpusCells(ensureKaggleCorpus(), (p) =>
    readNotebookFile(p)
      .cells.filter((c) => c.cellType === 'code')
      .map((c) => c.source),
  );
  const kept = excludeGold(
    all,
    sets.flatMap((s) => s.cells),
  ).kept;
  const share = sampleSize / kept.length;
  sample = kept.filter((c) => unitHash(`lf:${c.dataset}/${c.notebook}`) < share).map((c) => c.source);
  writeFileSync(cachePath, JSON.stringify(sample));
}
const t0 = Date.now();
const votes = applyLfs(sample);
const params = fitLabelModel(
  votes,
  LABELING_FUNCTIONS.map((l) => l.name),
  LABELING_FUNCTIONS.map((l) => STAGES.indexOf(l.stage)),
);
console.log(`sample ${sample.length} cells, LFs + fit ${((Date.now() - t0) / 1000).toFixed(1)} s`);

function predictions(cells: GoldCell[]): Record<'rule' | 'mv' | 'lm', Stage[]> {
  const v = applyLfs(cells.map((c) => c.source));
  return {
    rule: cells.map((c) => majorityStage(extractFeatures(c.source)) ?? 'prep'),
    mv: majorityVote(v, LABELING_FUNCTIONS.length).map((x) => (x === null ? 'prep' : STAGES[x]!)),
    lm: predictProba(v, params).map((p) => STAGES[argmax(p)]!),
  };
}

const pct = (cells: GoldCell[], pred: Stage[]): string =>
  `${((100 * cells.filter((c, i) => c.stage === pred[i]).length) / Math.max(1, cells.length)).toFixed(1)}%`;
for (const s of sets) {
  const { dev, test } = splitGold(s.cells);
  const line = [s.path.split('/').pop()];
  for (const [name, part] of [
    ['all', s.cells],
    ['dev', dev],
    ['test', test],
  ] as const) {
    const p = predictions(part);
    line.push(`${name}(n=${part.length}) rule ${pct(part, p.rule)} mv ${pct(part, p.mv)} lm ${pct(part, p.lm)}`);
  }
  console.log(line.join(' | '));
}

if (values.errors) {
  const [g, pr] = values.errors.split(':');
  for (const s of sets) {
    const part = values.part === 'all' ? s.cells : splitGold(s.cells)[values.part === 'test' ? 'test' : 'dev'];
    const p = predictions(part).lm;
    let shown = 0;
    const pairs = new Map<string, number>();
    part.forEach((c, i) => {
      if (c.stage !== p[i]) pairs.set(`${c.stage}->${p[i]}`, (pairs.get(`${c.stage}->${p[i]}`) ?? 0) + 1);
      if ((g && g !== '*' && c.stage !== g) || (pr && pr !== '*' && p[i] !== pr) || c.stage === p[i]) return;
      if (shown++ >= Number(values.max)) return;
      const lines = stageLines(extractFeatures(c.source))
        .map((n, k) => (n ? `${STAGES[k]}:${n}` : ''))
        .filter(Boolean)
        .join(' ');
      console.log(`\n----- ${c.id.slice(0, 60)}  gold=${c.stage} lm=${p[i]} rule=${majorityStage(extractFeatures(c.source))} lines[${lines}]`);
      console.log(c.source.slice(0, 700));
    });
    console.log(
      `\n${s.path}: ${shown} errors of that kind in ${values.part}; all errors (gold->lm): ${[...pairs]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
  }
}
