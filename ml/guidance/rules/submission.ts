// A submission written from something other than predictions: the sample submission as it came, or a frame of the
// test ids and constants (a column of zeros, the training mean). Followed by what each name is built from, and only
// through plain pandas/numpy shaping: anything else (a model, a notebook function, a loop) could be predictions, so the
// trail ends there and nothing is said.
import type { Placed } from '../notebook-flow.ts';
import type { CallFact } from '../call-facts.ts';
import { fileRole, isSubmissionPath } from '../vocab.ts';
import { code, type Firing, type Rule, type RuleContext } from './rule.ts';

/** What a name holds: the sample submission, the test file (ids), constants, training data (usable only reduced). */
type Kind = 'sample' | 'ids' | 'constant' | 'data';

/** Calls that shape, reduce or fill data and can make no prediction. */
const SHAPING = new Set([
  'DataFrame', 'Series', 'copy', 'reset_index', 'set_index', 'drop', 'rename', 'astype', 'fillna', 'head', 'zeros', 'ones',
  'full', 'zeros_like', 'ones_like', 'full_like', 'repeat', 'len', 'print', 'display', 'round', 'int', 'float', 'str', 'to_csv', 'tolist',
  'mean', 'median', 'mode', 'max', 'min', 'sum', 'count', 'value_counts', 'describe', 'nunique',
]);
/** Reductions: training data reduced to a number (`df_train['is_duplicate'].mean()`) is a constant for the test rows. */
const REDUCTIONS = new Set(['mean', 'median', 'mode', 'max', 'min', 'sum']);

class SubmissionWalk {
  private readonly kinds = new Map<string, Kind>();
  private readonly imports = new Set<string>();
  private readonly defs = new Set<string>();
  readonly firings: Firing[] = [];

  /** What a statement builds from the names it reads, if only shaping and known kinds go in. */
  private built(p: Placed, reads: readonly string[], calls: readonly CallFact[]): Kind | null {
    if (p.facts.nested || calls.some((c) => !SHAPING.has(c.name))) return null;
    const kinds = reads.filter((r) => !this.imports.has(r)).map((r) => this.kinds.get(r));
    if (kinds.some((k) => k === undefined)) return null;
    if (kinds.includes('data') && !calls.some((c) => REDUCTIONS.has(c.name))) return null;
    return 'constant';
  }

  step(p: Placed): void {
    const s = p.facts;
    if (s.kind === 'import') s.targets.forEach((t) => this.imports.add(t));
    if (s.kind === 'def') s.targets.forEach((t) => this.defs.add(t));
    if (s.kind !== 'simple' && s.kind !== 'header') return;
    // A notebook function may fill any global frame: nothing is known after it runs.
    if (s.calls.some((c) => !c.receiver && !c.receiverCall && this.defs.has(c.name))) this.kinds.clear();
    // `preds.append(net(x))`: whatever a call other than plain shaping is made on may hold anything after it.
    for (const c of s.calls) if (c.receiver && (!SHAPING.has(c.name) || s.nested)) this.kinds.delete(c.receiver);
    for (const call of s.calls) this.write(call, p);
    // A file that is neither the sample, the test nor the training data may well hold predictions (a blend of them).
    const reads = s.value?.name === 'read_csv';
    const read = reads ? (s.value!.args[0]?.strings.map(fileRole).find((r) => r) ?? 'other') : undefined;
    for (const t of s.targets) {
      let kind: Kind | null;
      if (s.rebinds && s.constant && !s.nested) kind = 'constant';
      else if (s.rebinds && read) kind = read === 'sample' ? 'sample' : read === 'test' ? 'ids' : read === 'train' ? 'data' : null;
      else if (s.calls.some((c) => c.name === 'read_csv')) kind = null;
      else if (s.rebinds) kind = this.built(p, s.reads, s.calls);
      else {
        // `sub['target'] = 0`: the frame stays what it was made of, plus what is put in.
        const was = this.kinds.get(t);
        kind = was && was !== 'data' ? this.built(p, s.reads, s.calls) : null;
      }
      if (kind) this.kinds.set(t, kind);
      else this.kinds.delete(t);
    }
  }

  private write(call: CallFact, p: Placed): void {
    if (call.name !== 'to_csv' || !call.args[0]?.strings.some(isSubmissionPath)) return;
    const inline = call.receiverCall ? this.built(p, call.receiverReads, p.facts.calls) : null;
    const kind = call.receiver && !call.receiverCall ? this.kinds.get(call.receiver) : inline;
    if (kind !== 'sample' && kind !== 'constant') return;
    const s = p.facts;
    this.firings.push({
      cell: p.cell, line: call.line, endLine: call.line, anchor: s.text,
      message: kind === 'sample'
        ? `The submission written by ${code(s.text, 50)} is the sample submission as it was read: no predictions`
        : `The submission written by ${code(s.text, 50)} holds no model's predictions: only ids, constants and plain arithmetic`,
    });
  }
}

export const submissionNotPredictions: Rule = {
  id: 'submission-not-predictions',
  // Often a deliberate baseline (a constant to probe the leaderboard): worth a note, not a warning.
  severity: 'info',
  title: 'Submission not made from predictions',
  explanation:
    "The file written as the submission holds no model's predictions: it is the sample submission as it came, or the " +
    'test ids with a constant (a fixed class, the training mean). A submission like that scores as a baseline at best. ' +
    "Put the model's predictions on the test set into it before writing: `submission['target'] = model.predict(X_test)`. " +
    'If a baseline is what you meant, ignore this.',
  check(ctx: RuleContext): Firing[] {
    const walk = new SubmissionWalk();
    for (const p of ctx.flow.statements) walk.step(p);
    return walk.firings;
  },
};
