// How models are judged: scored only on the rows they were fitted on while a held-out part waits unused, fitted and
// never judged at all, or predictions computed and then dropped.
import type { Evaluation, ModelFit, Prediction } from '../notebook-flow.ts';
import { GENERATIVE } from '../vocab.ts';
import { code, type Firing, type Rule, type RuleContext } from './rule.ts';

/** The fit of `model` in force at statement g: its latest fit before g. */
function fitAt(fits: readonly ModelFit[], model: string, g: number): ModelFit | undefined {
  let found: ModelFit | undefined;
  for (const f of fits) if (f.model === model && f.g < g) found = f;
  return found;
}

export const evalOnTrainOnly: Rule = {
  id: 'eval-train-only',
  severity: 'warning',
  title: 'Evaluated on training data only',
  explanation:
    'A score computed on the rows a model was fitted on says how well it memorised them, not how well it predicts new ' +
    'data: a model that overfits scores best here. The notebook has a held-out split for exactly this; evaluate on it: ' +
    '`model.score(X_test, y_test)` or `accuracy_score(y_test, model.predict(X_test))`. Keep the training score only to ' +
    'compare with the held-out one.',
  check(ctx: RuleContext): Firing[] {
    const { fits, evaluations, predictions } = ctx.flow;
    const out: Firing[] = [];
    const fired = new Set<string>();
    // Held-out evaluations the checks cannot tie to a model (a metric of a helper's output) may be of any model.
    // Sides come from train_test_split and folds only: which rows a file holds says nothing about held-out data.
    const anonymousHeldOut = evaluations.filter((e) => e.models.length === 0 && (e.splitSide === 'test' || e.splitSide === 'heldout'));
    if (!ctx.flow.splits.some((s) => s.kind === 'split' && !s.empty)) return [];
    for (const e of evaluations) {
      if (e.splitSide !== 'train' || e.models.length !== 1) continue;
      const model = e.models[0]!;
      const fit = fitAt(fits, model, e.g);
      if (!fit || fit.splitSide !== 'train' || fit.validated || fired.has(model)) continue;
      // Scored on exactly what it was fitted on (not on a validation part cut from the training side).
      if (!e.data.length || e.data.some((d) => d !== fit.x)) continue;
      // Any other score of a model of that name counts (a loop rebinding `knn` per k scores "the same" model).
      const name = model.replace(/#\d+$/, '');
      const sameName = (o: Evaluation) => o.models.some((m) => m.replace(/#\d+$/, '') === name);
      const others = evaluations.filter((o) => sameName(o) && (o.splitSide !== 'train' || o.data.some((d) => d !== fit.x)));
      // Predictions on other data that something uses: perhaps an evaluation the checks do not recognise.
      const used = (pr: Prediction) => !pr.targets.length || pr.targets.some((t) => isRead(ctx, pr, t));
      const testPredictions = [...predictions.values()].some((pr) => pr.model === model && pr.splitSide !== 'train' && used(pr));
      if (others.length || testPredictions || anonymousHeldOut.some((a) => a.g > fit.g)) continue;
      fired.add(model);
      out.push({
        cell: e.cell, line: e.line, endLine: e.endLine, anchor: e.text,
        message: `${code(name)} is evaluated only on the data it was fitted on (${code(fit.x, 30)}); the held-out split is never used to score it`,
        related: [{ cell: fit.cell, line: fit.line, note: `${name} fitted here` }],
      });
    }
    return out;
  },
};

export const modelNeverEvaluated: Rule = {
  id: 'model-never-evaluated',
  severity: 'info',
  title: 'Model never evaluated',
  explanation:
    'The notebook fits a model and predicts on test data with it, but never measures how well it predicts: no score, ' +
    'metric, cross-validation or validation set. Without one there is no telling a useful model from a useless one, or ' +
    'whether a change helped. Hold out part of the training data (`train_test_split`) or cross-validate ' +
    '(`cross_val_score(model, X, y)`), and report a metric that fits the task.',
  check(ctx: RuleContext): Firing[] {
    const { fits, evaluations, knownModels, predictions } = ctx.flow;
    if (evaluations.length || fits.some((f) => f.validated)) return [];
    // Only models the notebook relies on: it predicts on test rows with them. A model fitted to read its coefficients,
    // rank features or draw a tree is not meant to be scored.
    const predictsOnTest = (f: ModelFit) =>
      [...predictions.values()].some((pr) => pr.g > f.g && pr.model?.startsWith(`${f.name}#`) && pr.side === 'test');
    const last = new Map<string, ModelFit>();
    for (const f of fits) {
      if (f.supervised && knownModels.has(f.model) && !GENERATIVE.test(`${f.name} ${f.cls ?? ''}`)) last.set(f.name, f);
    }
    return [...last.values()].filter(predictsOnTest).map((f) => ({
      cell: f.cell, line: f.line, endLine: f.endLine, anchor: f.text,
      message: `${code(f.name)} predicts on test data but is never evaluated: the notebook computes no score, metric or validation`,
    }));
  },
};

/** Whether a statement after the prediction (or another one in its loop) reads `name` before it is bound again. */
function isRead(ctx: RuleContext, pr: Prediction, name: string): boolean {
  for (const p of ctx.flow.statements) {
    if (p.g === pr.g) continue;
    const sameLoop = pr.nested && p.cell === pr.cell && p.facts.top === pr.top;
    if (p.g < pr.g && !sameLoop) continue;
    if (p.facts.reads.includes(name)) return true;
    if (p.g > pr.g && !sameLoop && p.facts.rebinds && p.facts.targets.includes(name)) return false;
  }
  return false;
}

export const predictionsUnused: Rule = {
  id: 'predictions-unused',
  severity: 'info',
  title: 'Predictions never used',
  explanation:
    'The predictions are computed and kept in a variable that nothing reads afterwards (or that is overwritten before it ' +
    'is read): no metric, plot or submission uses them. Usually a step is missing (scoring them against the true ' +
    'values, writing the submission) or the wrong variable is used later; otherwise drop the line.',
  check(ctx: RuleContext): Firing[] {
    // The last cell with code is where the user is still writing: its predictions have had no chance to be used.
    const lastCell = ctx.flow.statements.at(-1)?.cell ?? -1;
    const out: Firing[] = [];
    for (const pr of ctx.flow.predictions.values()) {
      if (pr.cell === lastCell) continue;
      const unused = pr.targets.filter((t) => t !== '_' && !isRead(ctx, pr, t));
      if (!unused.length || unused.length < pr.targets.length) continue;
      out.push({
        cell: pr.cell, line: pr.line, endLine: pr.endLine, anchor: pr.text,
        message: `${code(unused.join(', '))} holds predictions that are never used afterwards`,
      });
    }
    return out;
  },
};
