// Scores one classifier model folder on every hand-label set, for the end model alone, the label model alone,
// majority vote and their combinations, each cell alone and in notebook context, and the stacker when the folder has
// one (docs/EVALUATION.md tables).
//   node --import tsx scripts/experiments/eval-classifier-sets.ts [--model DIR] [--weights 0,0.25,0.5,0.75,1] [--json OUT] [--dev-only]
// --dev-only leaves out the held-out gds-test, for use while rules are being developed.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureKaggleCorpus, goldPath } from '../../pipeline/corpus-cache.ts';
import { readNotebookFile } from '../../pipeline/notebook/read-notebook-file.ts';
import { labelSets } from '../../pipeline/app-paths.ts';
import { BUNDLED_MODEL_DIR, combine, loadClassifier } from '../../ml/classifier/classifier.ts';
import { classifyByNotebook } from '../../pipeline/training/classifier/labelled-cells-in-context.ts';
import { readGold, splitGold, type GoldCell } from '../../pipeline/training/classifier/gold.ts';
import { LABELING_FUNCTIONS, applyLfs } from '../../ml/classifier/labeling-functions/index.ts';
import { argmax, majorityVote } from '../../ml/classifier/label-model.ts';
import { labelProbs, readLabelModel } from '../../ml/classifier/saved-label-model.ts';
import { clusterBootstrapInterval, score } from '../../pipeline/training/classifier/metrics.ts';
import { STAGES, type Stage } from '../../ml/classifier/stages.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: BUNDLED_MODEL_DIR },
    weights: { type: 'string', default: '0,0.25,0.5,0.75,1' },
    json: { type: 'string' },
    'dev-only': { type: 'boolean', default: false },
  },
});
const modelDir = values.model!;
const weights = values.weights!.split(',').map(Number);
const sets = labelSets();
const files = [goldPath(), sets.audit, ...(values['dev-only'] ? [] : [sets.test]), ...sets.train];

const clf = await loadClassifier(modelDir, { labelModelWeight: 0, stacker: false });
// Labelled cells are judged in their whole notebooks from the crawl (labelled-cells-in-context.ts).
const crawl = {
  kaggleDir: ensureKaggleCorpus(),
  read: (path: string): string[] =>
    readNotebookFile(path)
      .cells.filter((c) => c.cellType === 'code')
      .map((c) => c.source),
};
// As shipped: the manifest's weight, and the stacker in notebook context when the folder has one.
const shipped = await loadClassifier(modelDir);
const params = readLabelModel(modelDir);
const report: Record<string, unknown> = {};

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
for (const file of files) {
  const cells: GoldCell[] = readGold(file, goldPath());
  const lstm = (await clf.classify(cells.map((c) => c.source))).map((c) => STAGES.map((s) => c.probs[s]));
  const lm = labelProbs(
    cells.map((c) => c.source),
    params,
  );
  const mv = majorityVote(applyLfs(cells.map((c) => c.source)), LABELING_FUNCTIONS.length).map((v) => (v === null ? 'prep' : STAGES[v]!));
  const { dev, test } = splitGold(cells);
  const ids = { all: new Set(cells.map((c) => c.id)), dev: new Set(dev.map((c) => c.id)), test: new Set(test.map((c) => c.id)) };
  type Part = {
    n: number;
    accuracy: number;
    macroF1: number;
    perStage?: unknown;
    confusion?: number[][];
    interval95?: { low: number; high: number };
  };
  const parts = (pred: Stage[]): Record<string, Part> => {
    const out: Record<string, Part> = {};
    for (const [name, keep] of Object.entries(ids)) {
      const idx = cells.map((c, i) => (keep.has(c.id) ? i : -1)).filter((i) => i >= 0);
      const s = score(
        idx.map((i) => cells[i]!.stage),
        idx.map((i) => pred[i]!),
      );
      // Per-stage scores, the confusion matrix and the accuracy's interval (bootstrap over notebooks) for the whole file only.
      out[name] =
        name === 'all'
          ? {
              n: s.n,
              accuracy: s.accuracy,
              macroF1: s.macroF1,
              perStage: s.perStage,
              confusion: s.confusion,
              interval95: clusterBootstrapInterval(
                idx.map((i) => pred[i] === cells[i]!.stage),
                idx.map((i) => cells[i]!.notebook),
              ),
            }
          : { n: s.n, accuracy: s.accuracy, macroF1: s.macroF1 };
    }
    return out;
  };
  const rows: Record<string, ReturnType<typeof parts>> = {};
  rows['majority vote'] = parts(mv);
  for (const w of weights) {
    const probs = lstm.map((p, i) => combine(p, lm[i]!, w));
    const alone = probs.map((p) => STAGES[argmax(p)]!);
    const name = w === 0 ? 'end model (LSTM)' : w === 1 ? 'label model' : `end × label model, w=${w}`;
    rows[name] = parts(alone);
    const rules = await loadClassifier(modelDir, { labelModelWeight: w, stacker: false });
    rows[`${name} + notebook context`] = parts((await classifyByNotebook(rules, cells, crawl)).map((o) => o.stage));
  }
  const fitted = sets.train.includes(file) ? ' [fitted on this file]' : '';
  if (shipped.stackedAlone)
    rows[`stacker (w=${shipped.labelModelWeight}), each cell alone${fitted}`] = parts(
      (await shipped.classify(cells.map((c) => c.source))).map((o) => o.stage),
    );
  if (shipped.stacked)
    rows[`stacker (w=${shipped.labelModelWeight}) in notebook context${fitted}`] = parts(
      (await classifyByNotebook(shipped, cells, crawl)).map((o) => o.stage),
    );
  report[basename(file)] = rows;
  console.log(`\n## ${basename(file)} (${cells.length} cells)`);
  for (const [name, r] of Object.entries(rows)) {
    const ci = r.all!.interval95;
    console.log(
      `${name.padEnd(44)} all ${pct(r.all!.accuracy)} (95 % ${ci ? `${pct(ci.low)}–${pct(ci.high)}` : '?'}; F1 ${pct(r.all!.macroF1)})  dev ${pct(r.dev!.accuracy)}  test ${pct(r.test!.accuracy)}`,
    );
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify({ model: modelDir, report }, null, 1));
