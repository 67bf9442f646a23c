// The competition side: a test file read and then never predicted on (the submission rule is in submission.ts).
import { code, type Firing, type Rule, type RuleContext } from './rule.ts';

export const testNeverPredicted: Rule = {
  id: 'test-never-predicted',
  severity: 'info',
  title: 'Test file read but never predicted on',
  explanation:
    'The notebook reads a test file and fits a model, but no model ever predicts on the test data (or on anything made ' +
    'from it) and no submission is written: the last step is missing. Predict on the test set once the model is ' +
    "final and save the predictions (`submission['target'] = model.predict(X_test)`). If the file is read only to look " +
    'at it, this can be ignored.',
  check(ctx: RuleContext): Firing[] {
    const { fileReads, fits, predictedOn, evaluations, statements, submissions, origins } = ctx.flow;
    // A notebook that predicts on any test data, or writes a submission, has done this step (a second read of the
    // test file for its ids is no omission).
    if (!fits.some((f) => f.supervised) || submissions.length) return [];
    const tests = [...fileReads.values()].filter((r) => r.role === 'test' && r.targets.length);
    const tags = tests.map((r) => `file-test:${r.g}`);
    if (predictedOn.some((o) => tags.some((t) => o.has(t)))) return [];
    // Scoring on the test file (`model.evaluate(X_test, y_test)` of a labelled test set) uses it too.
    const scored = evaluations.some((e) => e.side === 'test' && statements[e.g]!.facts.reads.some((r) => tags.some((t) => origins.get(r)?.has(t))));
    if (scored) return [];
    return tests.slice(0, 1).map((read) => ({
      cell: read.cell, line: read.line, endLine: read.endLine, anchor: read.text,
      message: `Test data ${code(read.targets.join(', '))} is read but no model ever predicts on it`,
    }));
  },
};
