// Data flow inside one cell: which names hold a model's output, and which statements only feed a plot.
import type { Stage } from '../stages.ts';
import type { Statement } from './features.ts';
import { DRAW_CALLS, PREDICTION_NAMES } from './vocab.ts';

/**
 * What earlier statements of the same cell (or body) produced: a statement that works on a model's output
 * (`importances = clf.feature_importances_` then `plt.bar(pos, importances)`) judges the model too.
 */
export class CellFlowState {
  readonly evalNames = new Set<string>();

  copy(): CellFlowState {
    const c = new CellFlowState();
    this.evalNames.forEach((n) => c.evalNames.add(n));
    return c;
  }

  readsEval(s: Statement): boolean {
    return s.reads.some((r) => this.evalNames.has(r) || PREDICTION_NAMES.test(r));
  }

  record(s: Statement, stage: Stage | null): void {
    if (stage === 'eval') s.assigned.forEach((a) => this.evalNames.add(a));
    // Reassigning a name from other work (`X = scaler.transform(X)`) ends its link to the model's output.
    else if (stage && stage !== 'explore') s.assigned.forEach((a) => this.evalNames.delete(a));
  }
}

/**
 * Temporaries made only to be drawn (`cdf = df.x.value_counts().reset_index()` then `sns.barplot(data=cdf)`) serve
 * the plot: they count with it. Walks the cell backwards; a name read by later real work (prep, train, load) is not a
 * temporary, and neither is a frame the cell did not create (`df['x'] = ...` changes the data).
 */
export function servePlots(statements: Statement[], stages: Array<Stage | null>): void {
  // Names the cell itself brings into being (`cdf = ...`), as opposed to frames it only changes (`df['x'] = ...`).
  const created = new Set<string>();
  const createdBefore: Array<Set<string>> = statements.map((s) => {
    const before = new Set(created);
    s.assigned.forEach((a) => {
      if (
        !s.reads.includes(a) &&
        s.targets.some((t) =>
          t
            .split(',')
            .map((x) => x.replace(/[()\s]/g, ''))
            .includes(a),
        )
      )
        created.add(a);
    });
    return before;
  });
  const feeds = new Map<string, Stage>();
  const blocked = new Set<string>();
  for (let j = statements.length - 1; j >= 0; j--) {
    const s = statements[j]!;
    const st = stages[j] ?? null;
    const draws = s.calls.some((c) => DRAW_CALLS.has(c));
    if ((st === 'explore' || st === 'eval') && draws) {
      for (const r of s.reads) if (!blocked.has(r)) feeds.set(r, st);
      continue;
    }
    const fresh = (a: string): boolean => !s.reads.includes(a) || createdBefore[j]!.has(a);
    const served =
      s.assigned.length > 0 && s.assigned.every((a) => feeds.has(a) && !blocked.has(a) && fresh(a)) ? feeds.get(s.assigned[0]!) : undefined;
    if (served && (st === 'prep' || st === null) && s.kind === 'expression_statement') {
      stages[j] = served;
      for (const r of s.reads) if (!blocked.has(r)) feeds.set(r, served);
      continue;
    }
    if (st === 'prep' || st === 'train' || st === 'load' || (st === 'eval' && !draws)) for (const r of s.reads) blocked.add(r);
  }
}

/** Calls that summarise the data (`g.size()`, `df.isnull().sum()`), and what may surround them in such a query. */
const SUMMARY_CALLS = new Set([
  'groupby',
  'agg',
  'aggregate',
  'size',
  'count',
  'mean',
  'median',
  'sum',
  'std',
  'value_counts',
  'nunique',
  'describe',
  'corr',
  'isnull',
  'isna',
  'crosstab',
  'FreqDist',
  'most_common',
  'Counter',
]);
const QUERY_CALLS = new Set([
  ...SUMMARY_CALLS,
  'min',
  'max',
  'var',
  'unique',
  'sort_values',
  'reset_index',
  'drop',
  'head',
  'tail',
  'to_frame',
  'round',
  'len',
  'list',
  'sorted',
  'DataFrame',
  'Series',
  'quantile',
  'cumsum',
  'sort_index',
  'nlargest',
  'nsmallest',
  'div',
]);
/** Model inputs (`X`, `y_train`, `train`) are made for the model even when shown right away. */
const MODEL_INPUT = /^(X|y|x|Y)(_\w+)?$|^(train|test|val|valid|df|data)\w*$|_(train|test|val|valid)$/i;

/**
 * Summaries computed only to be shown (`missing = df.isnull().sum().reset_index()` … `missing`, `g = df.groupby('k')
 * .sum()` then `g.head(10)`) are looking at the data: they count with the display. Row filters and transforms shown
 * once (`df2 = df[df.a > 0]` then `df2.head()`) stay preparation, by the spec's trailing-display rule.
 */
export function serveDisplays(statements: Statement[], stages: Array<Stage | null>): void {
  const isSummary = (s: Statement): boolean => s.calls.some((c) => SUMMARY_CALLS.has(c)) && s.calls.every((c) => QUERY_CALLS.has(c) || c === '');
  // Names that came into being in this cell as a summary (shaping one later keeps it one).
  const summaries = new Set<string>();
  for (const s of statements) {
    if (s.kind !== 'expression_statement') continue;
    for (const a of s.assigned) if (isSummary(s) && !s.reads.includes(a)) summaries.add(a);
  }
  const shown = new Set<string>();
  const blocked = new Set<string>();
  for (let j = statements.length - 1; j >= 0; j--) {
    const s = statements[j]!;
    const st = stages[j] ?? null;
    if (st === 'explore' && s.targets.length === 0) {
      s.reads.forEach((r) => !blocked.has(r) && shown.add(r));
      continue;
    }
    const names = s.assigned.length > 0 && s.assigned.every((a) => shown.has(a) && !blocked.has(a) && !MODEL_INPUT.test(a));
    const summary = isSummary(s) && s.assigned.every((a) => !s.reads.includes(a));
    // `missing.columns = [...]`, `missing = missing.loc[missing.n > 0]`: shaping the summary for display.
    const shaping = s.calls.every((c) => QUERY_CALLS.has(c) || c === '') && names && s.assigned.every((a) => summaries.has(a));
    if (st === 'prep' && s.kind === 'expression_statement' && names && (summary || shaping)) {
      stages[j] = 'explore';
      s.reads.forEach((r) => !blocked.has(r) && shown.add(r));
      continue;
    }
    if (st === 'prep' || st === 'train' || st === 'load' || st === 'eval') s.reads.forEach((r) => blocked.add(r));
  }
}
