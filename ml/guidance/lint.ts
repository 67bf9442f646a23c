// Runs every workflow check over a notebook's code cells and returns the findings the user has not ignored, in
// notebook order. Pure and synchronous: the editor runs it in the inference worker, `gds lint` in the CLI process.
import { notebookFlow } from './notebook-flow.ts';
import { fitBeforeSplit, fitOnTest } from './rules/leakage.ts';
import { evalOnTrainOnly, modelNeverEvaluated, predictionsUnused } from './rules/evaluation.ts';
import { editedAfterRun, ranBeforeCellAbove, usedAboveDefinition } from './rules/kernel-state.ts';
import type { Rule, RuleContext } from './rules/rule.ts';
import { targetInFeatures } from './rules/target-in-features.ts';
import { submissionNotPredictions } from './rules/submission.ts';
import { testNeverPredicted } from './rules/test-data.ts';
import type { Finding, LintCell, LintOptions } from './types.ts';

export const RULES: readonly Rule[] = [
  fitBeforeSplit, targetInFeatures, fitOnTest,
  evalOnTrainOnly, modelNeverEvaluated, predictionsUnused,
  testNeverPredicted, submissionNotPredictions,
  ranBeforeCellAbove, usedAboveDefinition, editedAfterRun,
];

/** FNV-1a: a short, stable hash of a finding's anchor text (no crypto needed, and it runs in any JS context). */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The key "ignore this one" saves: the rule and the text it points at, whitespace-insensitive, so the choice survives
 * edits elsewhere, moved cells and a file without cell ids; editing the line itself brings the finding back.
 */
export function findingKey(ruleId: string, anchor: string): string {
  return `${ruleId}:${hash(anchor.replace(/\s+/g, ' ').trim())}`;
}

export function lintNotebook(cells: readonly LintCell[], opts: LintOptions = {}): Finding[] {
  const ctx: RuleContext = { cells, flow: notebookFlow(cells.map((c) => c.source)) };
  const ignored = new Set(opts.ignored ?? []);
  const findings: Array<Finding & { order: number }> = [];
  for (const rule of RULES) {
    for (const f of rule.check(ctx)) {
      const key = findingKey(rule.id, f.anchor);
      if (ignored.has(key)) continue;
      findings.push({
        ruleId: rule.id, severity: rule.severity, message: f.message, explanation: rule.explanation,
        cellId: cells[f.cell]!.id, startLine: f.line + 1, endLine: f.endLine + 1, key,
        related: (f.related ?? []).map((r) => ({ cellId: cells[r.cell]!.id, line: r.line + 1, note: r.note })),
        order: f.cell * 1e6 + f.line,
      });
    }
  }
  return findings.sort((a, b) => a.order - b.order).map(({ order, ...f }) => (void order, f));
}
