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
      if (!s.reads.includes(a) && s.targets.some((t) => t.split(',').map((x) => x.replace(/[()\s]/g, '')).includes(a))) created.add(a);
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
    const served = s.assigned.length > 0 && s.assigned.every((a) => feeds.has(a) && !blocked.has(a) && fresh(a)) ? feeds.get(s.assigned[0]!) : undefined;
    if (served && (st === 'prep' || st === null) && s.kind === 'expression_statement') {
      stages[j] = served;
      for (const r of s.reads) if (!blocked.has(r)) feeds.set(r, served);
      continue;
    }
    if (st === 'prep' || st === 'train' || st === 'load' || (st === 'eval' && !draws)) for (const r of s.reads) blocked.add(r);
  }
}
