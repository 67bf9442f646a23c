// Leakage through fitted preprocessing: a scaler, imputer, PCA or feature selector fitted on rows that later land on
// the test side of a split, or fitted again on the test set where only `transform` was meant.
import { hasPredictions, locOf, type TransformerFit } from '../notebook-flow.ts';
import { code, type Firing, type Rule, type RuleContext } from './rule.ts';

const WHAT: Array<[RegExp, string]> = [
  [/Imputer/, 'fill values from'],
  [/PCA|SVD|ICA|FactorAnalysis/, 'find its components in'],
  [/^Select|^RFE|Threshold|Selector|GenericUnivariate|^SelectF/, 'choose features using'],
  [/Encoder/, 'encode categories with the targets of'],
  [/Discretizer/, 'place its bins by'],
];

/** What the transformer learns from the rows it is fitted on, in a few words. */
function learns(cls: string): string {
  return WHAT.find(([re]) => re.test(cls))?.[1] ?? 'take its statistics from';
}

function fitText(fit: TransformerFit): string {
  return fit.object ? `${code(fit.object)} (${fit.cls})` : fit.cls;
}

export const fitBeforeSplit: Rule = {
  id: 'leak-fit-before-split',
  severity: 'warning',
  title: 'Preprocessing fitted before the split',
  explanation:
    'A scaler, imputer, PCA or feature selector fitted on all rows learns from the rows that the split later holds out, so ' +
    'the test score measures a model that has already seen the test data and comes out too good. Split first, then fit ' +
    'the transformer on the training part only and apply it to both parts with `transform`; or put it in a ' +
    '`Pipeline` with the model, so that cross-validation refits it inside each fold.',
  check(ctx: RuleContext): Firing[] {
    const out: Firing[] = [];
    const fired = new Set<number>();
    for (const split of ctx.flow.splits) {
      for (const origin of split.inputs) {
        if (!origin.startsWith('tfit:')) continue;
        const fit = ctx.flow.transformerFits.get(Number(origin.slice(5)));
        // Fitted on one side of an earlier split: the training part only, which is what is wanted.
        if (!fit || fired.has(fit.g) || fit.g > split.g || fit.splitSide !== 'none') continue;
        fired.add(fit.g);
        const by = split.kind === 'split' ? 'the train/test split' : 'cross-validation';
        out.push({
          cell: fit.cell, line: fit.line, endLine: fit.endLine, anchor: fit.text,
          message: `${fitText(fit)} is fitted on ${code(fit.data?.text ?? 'the data', 40)} before ${by}: the held-out rows leak into training`,
          related: [{ cell: split.cell, line: split.line, note: `${split.kind === 'split' ? 'split' : 'cross-validation'} of the fitted data` }],
        });
      }
    }
    return out;
  },
};

export const fitOnTest: Rule = {
  id: 'leak-fit-on-test',
  severity: 'warning',
  title: 'Transformer fitted on test data',
  explanation:
    '`fit` and `fit_transform` learn from the rows they are given. Called on test data, the transformer learns the test ' +
    "set's own statistics (or categories, or vocabulary), so test rows are scaled or encoded differently from the rows the " +
    'model was trained on, and the test data shapes the preprocessing. Fit on the training data once and call only ' +
    '`transform` on the test data: `X_test = scaler.transform(X_test)`.',
  check(ctx: RuleContext): Firing[] {
    const out: Firing[] = [];
    const { statements, transformerFits, origins } = ctx.flow;
    const fits = [...transformerFits.values()];
    for (const fit of fits) {
      if (fit.side !== 'test' || !fit.data || fit.fixed) continue;
      // Refitting is the slip only where the same kind of transformer was fitted on training data too; alone on the
      // test set it may be an analysis of that set. Scaling predictions (to average them) is no preprocessing at all.
      if (!fits.some((f) => f.cls === fit.cls && f.side === 'train')) continue;
      if (fit.data.reads.some((r) => hasPredictions(origins.get(r) ?? []))) continue;
      const p = statements[fit.g]!;
      // Only a fit whose result is kept matters: assigned (`X_test = sc.fit_transform(X_test)`), or an object used later.
      const object = fit.object;
      const kept = p.facts.targets.length > 0 || (!!object && statements.some((q) => q.g > fit.g && q.facts.reads.includes(object)));
      if (!kept) continue;
      const instead = object ? `${object}.transform(${fit.data.text.slice(0, 30)})` : 'transform';
      out.push({
        ...locOf(p), anchor: fit.text,
        message: `${fitText(fit)} is ${fit.method === 'fit' ? 'fitted' : 're-fitted'} on test data ${code(fit.data.text, 40)}: use ${code(instead, 50)}`,
      });
    }
    return out;
  },
};
