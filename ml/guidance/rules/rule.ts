// What a workflow check is: an id, a severity, the explanation shown under its message, and a check over the
// notebook's data flow that returns where it fires.
import type { NotebookFlow } from '../notebook-flow.ts';
import type { LintCell, Severity } from '../types.ts';

export interface RuleContext {
  cells: readonly LintCell[];
  flow: NotebookFlow;
}

/** A firing before it becomes a Finding: the cell by index, 0-based rows, and the text that keys its "ignore". */
export interface Firing {
  cell: number;
  line: number;
  endLine: number;
  message: string;
  /** What identifies this firing across edits elsewhere: usually the statement's text. */
  anchor: string;
  related?: Array<{ cell: number; line: number; note: string }>;
}

export interface Rule {
  id: string;
  severity: Severity;
  /** A short name for lists and the CLI's summary. */
  title: string;
  /** Why it matters and how to fix it, shown under the message. */
  explanation: string;
  check(ctx: RuleContext): Firing[];
}

/**
 * A firing on one row of a cell, pointing at one other place (the cell that sets, defines or uses the name involved):
 * the shape every kernel-state check reports.
 */
export function firingOn(cell: number, line: number, anchor: string, message: string, related: { cell: number; line: number; note: string }): Firing {
  return { cell, line, endLine: line, anchor, message, related: [related] };
}

/** How a message names another cell: by its run number when it ran (cell numbers shift as cells move). */
export function runLabel(ctx: RuleContext, cell: number): string {
  const count = ctx.cells[cell]?.executionCount;
  return count != null ? `In [${count}]` : 'a cell that has not run';
}

/** `code` in a message, cut to what a line can show. */
export function code(text: string, max = 60): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return `\`${one.length > max ? `${one.slice(0, max - 1)}…` : one}\``;
}
