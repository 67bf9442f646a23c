// Shared by the workflow-check tests: lint code cells given as plain sources and pick one rule's findings.
import { lintNotebook } from '../../ml/guidance/lint.ts';
import type { Finding, LintCell } from '../../ml/guidance/types.ts';

export function lint(sources: readonly string[], extra: Partial<Omit<LintCell, 'id' | 'source'>>[] = []): Finding[] {
  return lintNotebook(sources.map((source, i) => ({ id: `c${i}`, source, ...extra[i] })));
}

export function fired(rule: string, sources: readonly string[], extra: Partial<Omit<LintCell, 'id' | 'source'>>[] = []): Finding[] {
  return lint(sources, extra).filter((f) => f.ruleId === rule);
}

/** Execution counts for the cells, in the order given (null: never ran). */
export function counts(...n: Array<number | null>): Array<{ executionCount: number | null }> {
  return n.map((executionCount) => ({ executionCount }));
}
