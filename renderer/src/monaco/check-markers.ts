// The workflow checks' findings as Monaco markers (squiggles with the message on hover) in the cells' live editors.
// Cells far from the viewport have no editor; theirs get markers when the editor is made (editor-bridge calls markEditor).
import type { CheckFinding } from '../../../preload/contract.ts';
import { useChecks, visibleFindings } from '../stores/checks.ts';
import type { monaco } from './monaco.ts';
// Monaco's value comes from the editor chunk (monaco-ns.ts): a static import here would pull all of Monaco into the
// main chunk through ChecksPanel and editor-bridge. Every editor this module sees was made by that loaded Monaco.
import { loadedMonaco } from './monaco-ns.ts';

type Editor = monaco.editor.IStandaloneCodeEditor;

const OWNER = 'gds-checks';
const editors = new Map<string, Editor>();
/** A jump asked for before the cell's editor existed: done when it mounts. */
let pendingReveal: { cellId: string; line: number } | null = null;

function byCell(findings: readonly CheckFinding[]): Map<string, CheckFinding[]> {
  const out = new Map<string, CheckFinding[]>();
  for (const f of findings) out.set(f.cellId, [...(out.get(f.cellId) ?? []), f]);
  return out;
}

function apply(editor: Editor, findings: readonly CheckFinding[]): void {
  const model = editor.getModel();
  const monaco = loadedMonaco();
  if (!model || !monaco) return;
  const last = model.getLineCount();
  monaco.editor.setModelMarkers(model, OWNER, findings.map((f) => {
    // The cell may have changed since the check ran: keep the marker on a line that exists.
    const start = Math.min(Math.max(1, f.startLine), last);
    const end = Math.min(Math.max(start, f.endLine), last);
    return {
      severity: f.severity === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Info,
      message: `${f.message}\n\n${f.explanation}`,
      source: 'GDS checks',
      code: f.ruleId,
      startLineNumber: start,
      startColumn: model.getLineFirstNonWhitespaceColumn(start) || 1,
      endLineNumber: end,
      endColumn: model.getLineMaxColumn(end),
    };
  }));
}

function applyAll(): void {
  const cells = byCell(visibleFindings(useChecks.getState()));
  for (const [cellId, editor] of editors) apply(editor, cells.get(cellId) ?? []);
}

let subscribed = false;

/** A cell's editor was made: it gets its markers now and follows the findings until it is disposed. */
export function markEditor(cellId: string, editor: Editor): void {
  if (!subscribed) {
    subscribed = true;
    useChecks.subscribe((s, prev) => {
      if (s.findings !== prev.findings || s.ignored !== prev.ignored) applyAll();
    });
  }
  editors.set(cellId, editor);
  editor.onDidDispose(() => {
    if (editors.get(cellId) === editor) editors.delete(cellId);
  });
  apply(editor, visibleFindings(useChecks.getState()).filter((f) => f.cellId === cellId));
  if (pendingReveal?.cellId === cellId) {
    const { line } = pendingReveal;
    pendingReveal = null;
    // The editor lays itself out in this frame; place the cursor once it has.
    requestAnimationFrame(() => revealIn(editor, line));
  }
}

function revealIn(editor: Editor, line: number): void {
  const model = editor.getModel();
  if (!model) return;
  const l = Math.min(Math.max(1, line), model.getLineCount());
  editor.setPosition({ lineNumber: l, column: model.getLineFirstNonWhitespaceColumn(l) || 1 });
  editor.revealLineInCenterIfOutsideViewport(l);
  editor.focus();
}

/** Puts the cursor on the line in the cell's editor, now or as soon as the editor exists. */
export function revealLine(cellId: string, line: number): void {
  const editor = editors.get(cellId);
  if (editor) revealIn(editor, line);
  else pendingReveal = { cellId, line };
}
