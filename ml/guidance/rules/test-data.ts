// The competition side: a test file read and then never predicted on (the submission rule is in submission.ts).
import type { CallFact } from '../call-facts.ts';
import { fromFiles, isOpaque, type FileRead, type NotebookFlow } from '../notebook-flow.ts';
import { DATA_MODULES, PLAIN_BUILTINS, PLOT_MODULES, PREDICT_CALLS } from '../vocab.ts';
import { code, type Firing, type Rule, type RuleContext } from './rule.ts';

/** A call that only reshapes, summarises or draws data: nothing in it could predict. */
function plainCall(flow: NotebookFlow, call: CallFact, held: ReadonlySet<string>): boolean {
  if (PREDICT_CALLS.has(call.name)) return false;
  const module = (name: string) => {
    const m = flow.modules.get(name);
    return m !== undefined && (DATA_MODULES.test(m) || PLOT_MODULES.test(m));
  };
  if (!call.receiver && !call.receiverCall) return !call.dotted || PLAIN_BUILTINS.has(call.name) || module(call.name);
  // `t.set_index(...).sort_index()`: the inner call is one of the statement's calls, judged on its own.
  if (!call.receiver) return true;
  if (module(call.receiver) || held.has(call.receiver)) return true;
  // A method of another frame read from a file (`train.append(test)`); a model or an object of unknown make is not.
  const origins = flow.origins.get(call.receiver);
  return origins !== undefined && !isOpaque(origins) && fromFiles(origins);
}

/**
 * Whether anything is done with the test data beyond looking at it and reshaping it with pandas, numpy or plots: it is
 * handed to a model, a notebook function or an object the checks cannot see into. Then the notebook may well predict
 * on it in a way this check does not follow (`mnb.classify(row)`, `stack.fit_predict(train, y, test)`, a function
 * that predicts on a global), so the check stays silent.
 */
function usedBeyondLooking(flow: NotebookFlow, reads: readonly FileRead[]): boolean {
  const held = new Set<string>();
  const readAt = new Map(reads.map((r) => [r.g, r]));
  const first = Math.min(...reads.map((r) => r.g));
  for (const p of flow.statements) {
    if (p.g < first) continue;
    const read = readAt.get(p.g);
    if (read) {
      read.targets.forEach((t) => held.add(t));
      continue;
    }
    const s = p.facts;
    if (!s.reads.some((r) => held.has(r))) continue;
    if (s.kind === 'def' || !s.calls.every((c) => plainCall(flow, c, held))) return true;
    s.targets.forEach((t) => held.add(t));
    // `frames.append(test)`, `all_data.update(test)`: the receiver now holds test rows too.
    for (const c of s.calls) if (c.receiver && c.args.some((a) => a.reads.some((r) => held.has(r)))) held.add(c.receiver);
  }
  return false;
}

export const testNeverPredicted: Rule = {
  id: 'test-never-predicted',
  severity: 'info',
  title: 'Test file read but never predicted on',
  explanation:
    'The notebook reads a test file and fits a model, but the test data is only ever looked at: no model predicts on ' +
    'it (or on anything made from it) and no submission is written, so the last step is missing. Predict on the test ' +
    "set once the model is final and save the predictions (`submission['target'] = model.predict(X_test)`). If the " +
    'file is read only to look at it, this can be ignored.',
  check(ctx: RuleContext): Firing[] {
    const { flow } = ctx;
    const { fileReads, fits, predictedOn, evaluations, statements, submissions, origins } = flow;
    // A notebook that predicts on any test data, or writes a submission, has done this step (a second read of the
    // test file for its ids is no omission).
    if (!fits.some((f) => f.supervised) || submissions.length) return [];
    const tests = [...fileReads.values()].filter((r) => r.role === 'test' && r.targets.length);
    if (!tests.length) return [];
    const tags = tests.map((r) => `file-test:${r.g}`);
    // A prediction on data of unknown make (built by a notebook function, images loaded by hand, a name no cell binds)
    // may be on the test set.
    if (predictedOn.some((o) => o.size === 0 || isOpaque(o) || tags.some((t) => o.has(t)))) return [];
    // Scoring on the test file (`model.evaluate(X_test, y_test)` of a labelled test set) uses it too.
    const scored = evaluations.some((e) => e.side === 'test' && statements[e.g]!.facts.reads.some((r) => tags.some((t) => origins.get(r)?.has(t))));
    if (scored || usedBeyondLooking(flow, tests)) return [];
    return tests.slice(0, 1).map((read) => ({
      cell: read.cell, line: read.line, endLine: read.endLine, anchor: read.text,
      message: `Test data ${code(read.targets.join(', '))} is read but no model ever predicts on it`,
    }));
  },
};
