// Live Monaco editors by cell id, so chips, ghost text and commands can reach the editor of a cell.
import type { monaco } from '../monaco/monaco.ts';
import { dismissSuggestions, recordAccept } from '../actions/ml.ts';
import { markEditor } from '../monaco/check-markers.ts';
import { useNotebook } from '../stores/notebook.ts';

type Editor = monaco.editor.IStandaloneCodeEditor;
const editors = new Map<string, Editor>();

export function registerEditor(cellId: string, editor: Editor): () => void {
  editors.set(cellId, editor);
  // Workflow checks (started at boot, in main.tsx): every editor gets its cell's markers when it is made.
  markEditor(cellId, editor);
  return () => {
    if (editors.get(cellId) === editor) editors.delete(cellId);
  };
}

export function editorFor(cellId: string): Editor | undefined {
  return editors.get(cellId);
}

/** Puts the suggestion on the cursor's line if it is blank, otherwise on a new line below it. */
export function acceptSuggestion(cellId: string, text: string, key?: string): void {
  recordAccept(key);
  dismissSuggestions();
  const ed = editors.get(cellId);
  const model = ed?.getModel();
  if (!ed || !model) {
    const cell = useNotebook.getState().doc?.cells.find((c) => c.id === cellId);
    if (cell) useNotebook.getState().setSource(cellId, cell.source.replace(/\n*$/, '') + (cell.source.trim() ? '\n' : '') + text);
    return;
  }
  const pos = ed.getPosition() ?? { lineNumber: model.getLineCount(), column: 1 };
  const line = model.getLineContent(pos.lineNumber);
  const blank = line.trim() === '';
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  const range = blank
    ? { startLineNumber: pos.lineNumber, startColumn: 1, endLineNumber: pos.lineNumber, endColumn: line.length + 1 }
    : { startLineNumber: pos.lineNumber, startColumn: line.length + 1, endLineNumber: pos.lineNumber, endColumn: line.length + 1 };
  const insert = blank ? indent + text : `\n${indent}${text}`;
  ed.executeEdits('gds-suggestion', [{ range, text: insert, forceMoveMarkers: true }]);
  const endLine = blank ? pos.lineNumber : pos.lineNumber + 1;
  ed.setPosition({ lineNumber: endLine, column: model.getLineLength(endLine) + 1 });
  ed.focus();
}
