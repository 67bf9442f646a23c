// Which notebook-context rules change which cells on the development label files, and whether each change is right:
// the check for every rule in ml/classifier/notebook-context.ts (never run on the held-out gds-test).
//   node --import tsx scripts/experiments/context-diag.ts [--model DIR] [--show REASON]
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { goldPath } from '../../pipeline/corpus-cache.ts';
import { labelSets } from '../../pipeline/app-paths.ts';
import { BUNDLED_MODEL_DIR, loadClassifier } from '../../ml/classifier/classifier.ts';
import { readGold } from '../../pipeline/training/classifier/gold.ts';
import { withContextByNotebook } from '../../pipeline/training/classifier/labelled-cells-in-context.ts';

const { values } = parseArgs({
  options: { model: { type: 'string', default: BUNDLED_MODEL_DIR }, show: { type: 'string' }, max: { type: 'string', default: '30' } },
});
const clf = await loadClassifier(values.model!);
const sets = labelSets();
let shown = 0;
for (const file of [sets.audit, ...sets.train]) {
  const cells = readGold(file, goldPath());
  // The context rules build on the mixture (LSTM × label model), not on the stacker's cell-alone answer.
  const base = (await clf.signals(cells.map((c) => c.source))).map((s) => clf.mixture(s));
  const ctx = withContextByNotebook(cells, base);
  const tally = new Map<string, { right: number; wrong: number; both: number }>();
  ctx.forEach((o, i) => {
    const reason = (o as { context?: string }).context;
    if (!reason || o.stage === base[i]!.stage) return;
    const t = tally.get(reason) ?? { right: 0, wrong: 0, both: 0 };
    const gold = cells[i]!.stage;
    if (o.stage === gold) t.right++;
    else if (base[i]!.stage === gold) t.wrong++;
    else t.both++;
    tally.set(reason, t);
    if (values.show === reason && o.stage !== gold && shown++ < Number(values.max)) {
      console.log(`\n----- ${cells[i]!.id.slice(0, 70)} gold=${gold} base=${base[i]!.stage} ctx=${o.stage}\n${cells[i]!.source.slice(0, 400)}`);
    }
  });
  console.log(`${basename(file)}: ${[...tally].map(([k, t]) => `${k} +${t.right} -${t.wrong} (both wrong ${t.both})`).join(', ')}`);
}
