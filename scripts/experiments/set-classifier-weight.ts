// Sets how a trained classifier folder mixes its LSTM with its label model (manifest `inference.labelModelWeight`)
// and rescores every hand-label set with that mixture, so the manifest describes what `gds classify` answers.
// The weight is chosen on the development label files (scripts/experiments/eval-classifier-sets.ts), never on gds-test.jsonl.
//   node --import tsx scripts/experiments/set-classifier-weight.ts MODEL_DIR WEIGHT "why this weight"
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goldPath } from '../../pipeline/corpus-cache.ts';
import { labelSets } from '../../pipeline/app-paths.ts';
import { readLabelModel } from '../../ml/classifier/saved-label-model.ts';
import { readLabelledSets, scoreModel } from '../../pipeline/training/classifier/score-model.ts';

const [dirArg, weightArg, why] = process.argv.slice(2);
const weight = Number(weightArg);
if (!dirArg || !(weight >= 0 && weight <= 1) || !why) throw new Error('usage: set-classifier-weight.ts MODEL_DIR WEIGHT(0..1) "why"');
const dir = resolve(dirArg);
const path = join(dir, 'manifest.json');
const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { data?: { handRepeat?: number } };
// The stacker's features are computed with the mixture: one fitted for another weight would answer wrongly.
const stacker = join(dir, 'stacker.json');
if (existsSync(stacker) && (JSON.parse(readFileSync(stacker, 'utf8')) as { labelModelWeight?: number }).labelModelWeight !== weight) {
  rmSync(stacker);
  console.log(`${stacker} was fitted for another weight: removed; run \`gds train stacker --model ${dir}\` to fit one for ${weight}`);
}
const sets = labelSets();
const scored = await scoreModel(
  dir,
  readLabelModel(dir),
  readLabelledSets(goldPath(), { train: sets.train, test: [sets.test], audit: sets.audit }, manifest.data?.handRepeat ?? 0),
  weight,
);
manifest.inference = {
  labelModelWeight: weight,
  combine: 'p ∝ p_lstm^(1-w) · p_labelmodel^w',
  set: {
    date: new Date().toISOString(),
    command: `node --import tsx scripts/experiments/set-classifier-weight.ts ${process.argv
      .slice(2)
      .map((a) => JSON.stringify(a))
      .join(' ')}`,
    why,
  },
};
manifest.metrics = scored.metrics;
manifest.labelSetMetrics = scored.labelSetMetrics;
writeFileSync(path, JSON.stringify(manifest, null, 1));
console.log(
  `${path}: labelModelWeight ${weight}; gds-test ${(100 * ((scored.labelSetMetrics['gds-test.jsonl'] as { endModel: { all: { accuracy: number } } } | undefined)?.endModel.all.accuracy ?? NaN)).toFixed(1)}%`,
);
