// Every notebook command in one table, shared by the toolbar, the app menu (Electron) and the keyboard.
import { useNotebook } from '../stores/notebook.ts';
import { useUi } from '../stores/ui.ts';
import { interruptKernel, restartKernel, runAbove, runAllCells, runBelow, runCells } from './execute.ts';
import { newNotebook, save } from './files.ts';
import { openFind } from './find.ts';

export interface CommandInfo {
  label: string;
  keys?: string;
  run(): void;
}

const nb = () => useNotebook.getState();
const activeId = () => nb().doc?.cells[nb().active]?.id;

function runActive(then: 'stay' | 'advance' | 'insert'): void {
  const s = nb();
  const ids = s.selected.length > 1 ? s.selected : [activeId()].filter((x): x is string => !!x);
  runCells(ids);
  const last = s.doc ? Math.max(...ids.map((id) => s.doc!.cells.findIndex((c) => c.id === id))) : s.active;
  // As in JupyterLab: running leaves edit mode (a markdown cell renders), except "run and insert", which edits the new cell.
  if (then === 'stay') s.setMode('command');
  else if (then === 'advance') {
    if (last + 1 >= (s.doc?.cells.length ?? 0)) s.insert(last + 1);
    else s.select(last + 1);
    s.setMode('command');
  } else if (then === 'insert') {
    s.insert(last + 1);
    s.setMode('edit');
  }
}

/** The Electron app (its preload gives `window.gds`); web mode talks over a WebSocket instead. */
const DESKTOP = typeof window !== 'undefined' && !!window.gds;

export const COMMANDS: Record<string, CommandInfo> = {
  // A browser keeps Ctrl+N for a new window (a page cannot take it); the desktop app's menu binds it.
  'notebook.new': { label: 'New notebook', ...(DESKTOP ? { keys: 'Ctrl+N' } : {}), run: () => void newNotebook() },
  'notebook.open': { label: 'Open…', keys: 'Ctrl+O', run: () => useUi.getState().setDialog({ kind: 'open' }) },
  'notebook.save': { label: 'Save', keys: 'Ctrl+S', run: () => void save() },
  'notebook.saveAs': { label: 'Save as…', keys: 'Ctrl+Shift+S', run: () => useUi.getState().setDialog({ kind: 'saveAs' }) },
  'cell.run': { label: 'Run cell', keys: 'Ctrl+Enter', run: () => runActive('stay') },
  'cell.runAdvance': { label: 'Run cell and select below', keys: 'Shift+Enter', run: () => runActive('advance') },
  'cell.runInsert': { label: 'Run cell and insert below', keys: 'Alt+Enter', run: () => runActive('insert') },
  'run.all': { label: 'Run all', run: runAllCells },
  'run.above': { label: 'Run all above', run: runAbove },
  'run.below': { label: 'Run selected and below', run: runBelow },
  'kernel.interrupt': { label: 'Interrupt kernel', keys: 'I, I', run: () => void interruptKernel() },
  'kernel.restart': { label: 'Restart kernel', keys: '0, 0', run: () => void restartKernel(false) },
  'kernel.restartRunAll': { label: 'Restart kernel and run all', run: () => void restartKernel(true) },
  'cell.insertAbove': { label: 'Insert cell above', keys: 'A', run: () => void nb().insert(nb().active) },
  'cell.insertBelow': { label: 'Insert cell below', keys: 'B', run: () => void nb().insert(nb().active + 1) },
  'cell.delete': { label: 'Delete selected cells', keys: 'D, D', run: () => nb().deleteSelected() },
  'cell.toMarkdown': { label: 'Change to markdown', keys: 'M', run: () => nb().changeType('markdown') },
  'cell.toCode': { label: 'Change to code', keys: 'Y', run: () => nb().changeType('code') },
  'cell.undo': { label: 'Undo cell operation', keys: 'Z', run: () => nb().undo() },
  'cell.moveUp': { label: 'Move cell up', keys: 'Ctrl+Shift+Up', run: () => nb().move(-1) },
  'cell.moveDown': { label: 'Move cell down', keys: 'Ctrl+Shift+Down', run: () => nb().move(1) },
  'cell.merge': { label: 'Merge selected cells (or with the one below)', keys: 'Shift+M', run: () => nb().mergeSelected() },
  'cell.clearOutputs': { label: 'Clear all outputs', run: () => nb().clearAllOutputs() },
  'select.up': { label: 'Select cell above', keys: 'Up / K', run: () => nb().select(nb().active - 1) },
  'select.down': { label: 'Select cell below', keys: 'Down / J', run: () => nb().select(nb().active + 1) },
  'select.extendUp': { label: 'Extend selection up', keys: 'Shift+Up', run: () => nb().select(nb().active - 1, true) },
  'select.extendDown': { label: 'Extend selection down', keys: 'Shift+Down', run: () => nb().select(nb().active + 1, true) },
  'select.first': { label: 'Select first cell', keys: 'Home / Ctrl+Home', run: () => nb().select(0) },
  'select.last': { label: 'Select last cell', keys: 'End / Ctrl+End', run: () => nb().select((nb().doc?.cells.length ?? 1) - 1) },
  'notebook.find': { label: 'Find in notebook', keys: 'Ctrl+F', run: openFind },
  'cell.edit': { label: 'Edit cell', keys: 'Enter', run: () => nb().setMode('edit') },
  'help.shortcuts': { label: 'Keyboard shortcuts', keys: 'H', run: () => useUi.getState().setDialog({ kind: 'shortcuts' }) },
};

export function runCommand(name: string): void {
  COMMANDS[name]?.run();
}

/** Keys bound inside each cell's editor (CellEditor.tsx), for the shortcuts list. */
export const EDIT_MODE_KEYS: ReadonlyArray<{ keys: string; label: string }> = [
  { keys: 'Esc', label: 'Command mode (dismisses suggestions first)' },
  { keys: 'Shift+Enter', label: 'Run cell and select below' },
  { keys: 'Ctrl+Enter', label: 'Run cell' },
  { keys: 'Alt+Enter', label: 'Run cell and insert below' },
  { keys: 'Ctrl+S', label: 'Save' },
  { keys: 'Ctrl+Shift+-', label: 'Split cell at the cursor' },
  { keys: 'Tab', label: 'On a blank line: accept the first suggestion' },
];

const isFormField = (t: HTMLElement | null) => !!t?.closest('input, textarea, select, .monaco-editor, [contenteditable="true"]');

/**
 * Command-mode keys (Jupyter's); edit-mode keys are bound inside each Monaco editor. Only one mode acts at a time:
 * while the notebook is in edit mode no key here runs a cell command, even if the keys did not reach an editor.
 */
export function installCommandModeKeys(): () => void {
  let last = { key: '', at: 0 };
  const onKey = (e: KeyboardEvent) => {
    // An editor or a dialog has handled it already (Monaco's own bindings, Esc closing a dialog).
    if (e.defaultPrevented || useUi.getState().dialog) return;
    const t = e.target as HTMLElement | null;
    const ctrl = e.ctrlKey || e.metaKey;
    // File keys work in either mode and from any field.
    let cmd: string | null = null;
    if (ctrl && !e.altKey && e.key.toLowerCase() === 's') cmd = e.shiftKey ? 'notebook.saveAs' : 'notebook.save';
    else if (ctrl && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'o') cmd = 'notebook.open';
    if (cmd) {
      e.preventDefault();
      return runCommand(cmd);
    }
    if (isFormField(t)) return;
    if (nb().mode === 'edit') {
      // Edit mode whose editor does not have the keys (it is still loading): Esc still leaves it, nothing else acts.
      if (e.key === 'Escape') {
        e.preventDefault();
        nb().setMode('command');
      }
      return;
    }
    // A focused button or link outside the cells (the sidebar, say) is pressed with Enter or Space, as anywhere.
    if (
      (e.key === 'Enter' || e.key === ' ') &&
      !ctrl &&
      !e.shiftKey &&
      !e.altKey &&
      t?.closest('button, a, summary') &&
      !t.closest('[data-testid="notebook"]')
    )
      return;
    const twice = (k: string) => last.key === k && Date.now() - last.at < 600;
    if (e.key === 'Enter') cmd = e.shiftKey ? 'cell.runAdvance' : ctrl ? 'cell.run' : e.altKey ? 'cell.runInsert' : 'cell.edit';
    else if (ctrl && e.shiftKey && e.key === 'ArrowUp') cmd = 'cell.moveUp';
    else if (ctrl && e.shiftKey && e.key === 'ArrowDown') cmd = 'cell.moveDown';
    else if (ctrl && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f') cmd = 'notebook.find';
    else if ((e.key === 'Home' || e.key === 'End') && !e.shiftKey && !e.altKey) cmd = e.key === 'Home' ? 'select.first' : 'select.last';
    else if (ctrl || e.altKey) return;
    else if (e.key === 'ArrowUp' || e.key === 'k') cmd = e.shiftKey ? 'select.extendUp' : 'select.up';
    else if (e.key === 'ArrowDown' || e.key === 'j') cmd = e.shiftKey ? 'select.extendDown' : 'select.down';
    else if (e.key === 'K') cmd = 'select.extendUp';
    else if (e.key === 'J') cmd = 'select.extendDown';
    else if (e.key === 'a') cmd = 'cell.insertAbove';
    else if (e.key === 'b') cmd = 'cell.insertBelow';
    else if (e.key === 'm') cmd = 'cell.toMarkdown';
    else if (e.key === 'M') cmd = 'cell.merge';
    else if (e.key === 'y') cmd = 'cell.toCode';
    else if (e.key === 'z') cmd = 'cell.undo';
    else if (e.key === 'h') cmd = 'help.shortcuts';
    else if (e.key === 'd' && twice('d')) cmd = 'cell.delete';
    else if (e.key === 'i' && twice('i')) cmd = 'kernel.interrupt';
    else if (e.key === '0' && twice('0')) cmd = 'kernel.restart';
    last = cmd === null ? { key: e.key, at: Date.now() } : { key: '', at: 0 };
    if (!cmd) return;
    e.preventDefault();
    runCommand(cmd);
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
