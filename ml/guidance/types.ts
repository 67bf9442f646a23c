// The workflow checks' inputs and findings: plain data shared by the editor (through the worker), the CLI and tests.

/** A code cell as the checks see it; `executionCount` and `editedSinceRun` come from the kernel's side of things. */
export interface LintCell {
  id: string;
  source: string;
  executionCount?: number | null;
  /** The cell's text changed after it last ran (the editor knows; a saved file does not). */
  editedSinceRun?: boolean;
}

export type Severity = 'warning' | 'info';

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** One line: what is wrong, with the names involved. */
  message: string;
  /** Why it matters and how to fix it. */
  explanation: string;
  cellId: string;
  /** 1-based, inclusive, within the cell. */
  startLine: number;
  endLine: number;
  /** Stable across edits elsewhere in the notebook: the rule and the text of the line it points at. */
  key: string;
  /** Other places the finding involves (the split a fit precedes, the cell that defines a name). */
  related: Array<{ cellId: string; line: number; note: string }>;
}

export interface LintOptions {
  /** Keys of findings the user chose to ignore (kept in the notebook's metadata `gds.ignoredFindings`). */
  ignored?: readonly string[];
}
