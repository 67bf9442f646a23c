// A Monaco editor for one cell: grows with its content, binds Jupyter's edit-mode keys, asks for suggestions.
import { useEffect, useRef } from 'react';
import { COMMANDS } from '../actions/commands.ts';
import { dismissSuggestions, requestSuggestions } from '../actions/ml.ts';
import { monaco } from '../monaco/monaco.ts';
import { currentSuggestions, useMl } from '../stores/ml.ts';
import { useNotebook } from '../stores/notebook.ts';
import { takeDraftCaret } from './draft-caret.ts';
import { acceptSuggestion, registerEditor } from './editor-bridge.ts';
import { editorHasFocus, focusNotebook } from './focus.ts';
import { installGhostText } from './ghost-text.ts';

const LINE_HEIGHT = 19;

// Ghost text needs Monaco, so it comes with this (lazily loaded) chunk: installed once, before the first editor is made.
installGhostText();

export function CellEditor({ cellId, source, language, focus }: { cellId: string; source: string; language: string; focus: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const ed = monaco.editor.create(el, {
      value: source, language, theme: 'gds', minimap: { enabled: false }, scrollBeyondLastLine: false,
      lineNumbers: 'off', glyphMargin: false, folding: true, lineDecorationsWidth: 6, fontSize: 13, lineHeight: LINE_HEIGHT,
      automaticLayout: true, wordWrap: 'on', renderLineHighlight: 'none', overviewRulerLanes: 0, matchBrackets: 'always',
      scrollbar: { vertical: 'hidden', alwaysConsumeMouseWheel: false, horizontalScrollbarSize: 6 },
      inlineSuggest: { enabled: true }, fixedOverflowWidgets: true, tabSize: 4, insertSpaces: true,
    });
    editorRef.current = ed;
    const unregister = registerEditor(cellId, ed);
    const fit = () => {
      el.style.height = `${Math.max(LINE_HEIGHT + 8, ed.getContentHeight())}px`;
    };
    fit();
    const nb = () => useNotebook.getState();
    let disposed = false;
    const suggestHere = () => {
      const model = ed.getModel();
      const pos = ed.getPosition();
      if (!model || !pos || language !== 'python') return;
      requestSuggestions(cellId, model.getValueInRange({ startLineNumber: 1, startColumn: 1, endLineNumber: pos.lineNumber, endColumn: pos.column }));
    };
    const subs = [
      ed.onDidContentSizeChange(fit),
      ed.onDidChangeModelContent(() => {
        nb().setSource(cellId, ed.getValue());
        suggestHere();
      }),
      ed.onDidFocusEditorText(() => {
        const idx = nb().doc?.cells.findIndex((c) => c.id === cellId) ?? -1;
        if (idx >= 0 && nb().active !== idx) nb().select(idx);
        nb().setMode('edit');
        suggestHere();
      }),
      // Focus that leaves for something outside the editors (a toolbar button, a dialog, the sidebar) ends edit
      // mode, so the mode shown is the one the keys get. Checked once the focus has landed; a window that lost
      // focus altogether (another app) keeps its mode and gets the editor back.
      ed.onDidBlurEditorText(() => {
        setTimeout(() => {
          if (disposed || !document.hasFocus() || editorHasFocus() || ed.hasTextFocus()) return;
          const s = nb();
          if (s.mode === 'edit' && s.doc?.cells[s.active]?.id === cellId) s.setMode('command');
        }, 0);
      }),
    ];
    // addAction, not addCommand: Monaco keeps addCommand bindings in one table shared by every editor, where the last
    // editor created wins, so a key pressed in one cell ran another (maybe disposed) cell's handler. An action's
    // keys apply to its own editor only, and go with it.
    const bind = (id: string, keybinding: number, run: () => void, when?: string) => {
      subs.push(ed.addAction({ id: `gds.${id}`, label: id, keybindings: [keybinding], ...(when ? { keybindingContext: when } : {}), run }));
    };
    const run = (name: string) => () => {
      nb().setSource(cellId, ed.getValue());
      COMMANDS[name]?.run();
    };
    bind('runAdvance', monaco.KeyMod.Shift | monaco.KeyCode.Enter, run('cell.runAdvance'));
    bind('run', monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, run('cell.run'));
    bind('runInsert', monaco.KeyMod.Alt | monaco.KeyCode.Enter, run('cell.runInsert'));
    bind('save', monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, run('notebook.save'));
    bind('split', monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.Minus, () => {
      const model = ed.getModel();
      const pos = ed.getPosition();
      if (model && pos) nb().split(cellId, model.getOffsetAt(pos));
    });
    // Esc leaves edit mode unless a widget (find, completion) wants it; with chips showing it dismisses them first.
    bind('commandMode', monaco.KeyCode.Escape, () => {
      if (currentSuggestions(useMl.getState())?.cellId === cellId) {
        ed.trigger('keyboard', 'editor.action.inlineSuggest.hide', {}); // the ghost text goes with the chips
        return dismissSuggestions(true);
      }
      nb().setMode('command');
      focusNotebook();
    }, '!suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible');
    // Tab on a blank line takes chip 1 (the ghost text shows the same, never an older answer); elsewhere it indents.
    // It also wins over Monaco's own inline-suggestion commit, which could hold an older item.
    bind('tab', monaco.KeyCode.Tab, () => {
      const first = currentSuggestions(useMl.getState());
      const model = ed.getModel();
      const pos = ed.getPosition();
      const blankLine = model && pos ? model.getLineContent(pos.lineNumber).trim() === '' : false;
      if (first?.cellId === cellId && first.items[0] && blankLine) acceptSuggestion(cellId, first.items[0].text, first.items[0].key);
      else ed.trigger('keyboard', 'tab', null);
    }, '!suggestWidgetVisible');
    return () => {
      disposed = true;
      subs.forEach((s) => s.dispose());
      unregister();
      // The editor first; the model a task later: the editor's inline-completion observers settle while it is
      // disposed and still read the model (disposing it first, or at once, makes them throw).
      const model = ed.getModel();
      ed.dispose();
      if (model) setTimeout(() => model.dispose(), 0);
      editorRef.current = null;
    };
    // The editor is created once per mount; later source changes are synced below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cellId, language]);

  useEffect(() => {
    const ed = editorRef.current;
    if (ed && ed.getValue() !== source) ed.setValue(source); // undo, recovery or a chip changed the cell
  }, [source]);

  useEffect(() => {
    const ed = editorRef.current;
    if (!focus || !ed || ed.hasTextFocus()) return;
    // Taking over from the draft typed into while Monaco loaded: the caret goes where the draft left it.
    const at = takeDraftCaret(cellId);
    const model = ed.getModel();
    if (at !== undefined && model) ed.setPosition(model.getPositionAt(at));
    ed.focus();
  }, [focus, cellId]);

  return <div ref={host} className="cell-editor" data-testid="cell-editor" />;
}
