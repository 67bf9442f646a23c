// One notebook cell. The notebook mounts only the cells near the scroll position (notebook-window-hook.ts); of those,
// only the ones near the viewport get a live Monaco editor, the rest show plain text of the same size.
import { lazy, memo, Suspense, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { revealSoon, useNearViewport } from './viewport.ts';
import type { Cell as CellModel } from '../../../preload/contract.ts';
import { runCells } from '../actions/execute.ts';
import { markdownToSafeHtml } from '../outputs/markdown.ts';
import { markdownHtml } from '../outputs/markdown-cache.ts';
import { useMathReady } from '../outputs/math.ts';
import { useNotebook } from '../stores/notebook.ts';
import { COMMANDS } from '../actions/commands.ts';
import { keepDraftCaret, takeDraftCaret } from './draft-caret.ts';
import { editorGate } from './editor-gate.ts';
import { focusNotebook } from './focus.ts';
import { OutputArea } from './OutputArea.tsx';
import { RunTime } from './RunTime.tsx';
import { StageBadge } from './StageBadge.tsx';
import { SuggestionChips } from './SuggestionChips.tsx';

// Monaco is a large chunk (and only ever in lazily loaded chunks): the notebook paints as plain text first and editors
// attach once it has loaded. The first editors wait for a frame to be painted, so the first cells always show before
// Monaco's editors are made (and, unless main.tsx's early fetch has already brought it, before Monaco is evaluated).
let editorChunk: Promise<typeof import('./CellEditor.tsx')> | null = null;
function loadEditor(): Promise<typeof import('./CellEditor.tsx')> {
  editorChunk ??= new Promise<void>((painted) => {
    // A frame callback runs just before the paint; the timeout after it runs once that paint is done. A window that
    // paints no frames (hidden) goes on after a moment anyway.
    requestAnimationFrame(() => setTimeout(painted, 0));
    setTimeout(painted, 100);
  })
    .then(editorGate)
    .then(() => import('./CellEditor.tsx'));
  return editorChunk;
}
// main.tsx fetches and evaluates the chunk in an idle moment after the start notebook is on screen.
const CellEditor = lazy(() => loadEditor().then((m) => ({ default: m.CellEditor })));

// The first markdown render costs a few hundred milliseconds (marked and DOMPurify warm up). It is done in an idle
// moment at start; a notebook that arrives before that shows its markdown source for a frame, not a late first screen.
let markdownWarm = false;
function warmMarkdown(): void {
  if (markdownWarm) return;
  markdownToSafeHtml('# *warm* `up`');
  markdownWarm = true;
}
if (typeof window !== 'undefined') {
  if ('requestIdleCallback' in window) window.requestIdleCallback(warmMarkdown);
  else setTimeout(warmMarkdown, 0);
}

// Monaco's default font on this platform (monaco-editor's fontInfo.js; CellEditor sets none), so the plain text is
// drawn in the editor's font, not only in its size: the text does not change when the editor replaces it.
const EDITOR_FONT =
  typeof navigator === 'undefined'
    ? undefined
    : /Macintosh|Mac OS X/.test(navigator.userAgent)
      ? "Menlo, Monaco, 'Courier New', monospace"
      : /Windows/.test(navigator.userAgent)
        ? "Consolas, 'Courier New', monospace"
        : "'Droid Sans Mono', monospace";

// As tall as the editor that replaces it (CellEditor: 19 px lines, at least 27 px), so nothing moves when it does;
// tabs as wide as the editor's (tabSize 4).
function StaticCode({ source }: { source: string }) {
  return (
    <pre className="static-code" style={{ minHeight: Math.max(27, source.split('\n').length * 19), fontFamily: EDITOR_FONT, tabSize: 4 }}>
      {source}
    </pre>
  );
}

/** Where a press on the plain text lands in its source, so the draft (and then the editor) starts there. */
let pressedAt: { cellId: string; offset: number } | null = null;

function offsetAtPoint(pre: HTMLElement, x: number, y: number): number | undefined {
  const range = document.caretRangeFromPoint?.(x, y);
  if (!range || !pre.contains(range.startContainer)) return undefined;
  const before = document.createRange();
  before.setStart(pre, 0);
  before.setEnd(range.startContainer, range.startOffset);
  return before.toString().length;
}

/**
 * The cell being edited while Monaco is still loading: a plain textarea in the editor's font and size that takes the
 * keys at once (the notebook is typed into from its first screen, not after the 3.7 MB editor chunk). What is typed
 * goes to the cell's source as the editor's edits do; the editor that replaces it starts with that text and caret.
 */
function DraftCode({ cellId, source }: { cellId: string; source: string }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const focused = useRef(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const at = pressedAt?.cellId === cellId ? pressedAt.offset : el.value.length;
    pressedAt = null;
    el.focus();
    el.setSelectionRange(at, at);
    // The editor that takes over (unmounting this draft) reads the caret; a draft left before that leaves none.
    return () => {
      if (focused.current) keepDraftCaret(cellId, el.selectionStart);
      else takeDraftCaret(cellId);
    };
  }, [cellId]);
  // As tall as its text, wrapped lines included (the editor grows the same way).
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = '0';
    el.style.height = `${Math.max(27, el.scrollHeight)}px`;
  }, [source]);
  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    const nb = useNotebook.getState();
    const ctrl = e.ctrlKey || e.metaKey;
    const command = e.key !== 'Enter' ? null : e.shiftKey ? 'cell.runAdvance' : ctrl ? 'cell.run' : e.altKey ? 'cell.runInsert' : null;
    if (command) {
      e.preventDefault();
      COMMANDS[command]?.run();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      nb.setMode('command');
      focusNotebook();
    } else if (e.key === 'Tab' && !e.shiftKey) {
      // Indent as the editor does (4 spaces), not move the focus out of the cell.
      e.preventDefault();
      e.currentTarget.setRangeText('    ', e.currentTarget.selectionStart, e.currentTarget.selectionEnd, 'end');
      nb.setSource(cellId, e.currentTarget.value);
    }
  };
  return (
    <textarea
      ref={ref}
      className="static-code draft-code"
      data-testid="draft-code"
      spellCheck={false}
      value={source}
      onChange={(e) => useNotebook.getState().setSource(cellId, e.currentTarget.value)}
      onKeyDown={onKeyDown}
      onFocus={() => (focused.current = true)}
      onBlur={() => (focused.current = false)}
      style={{ fontFamily: EDITOR_FONT, tabSize: 4 }}
    />
  );
}

function Prompt({ cell }: { cell: CellModel }) {
  const rt = useNotebook((s) => s.runtime[cell.id]);
  const label = rt?.state === 'running' ? '*' : rt?.state === 'queued' ? '…' : (cell.execution_count ?? ' ');
  return (
    <div className="prompt" data-state={rt?.state ?? 'idle'}>
      <button className="run-button" data-testid="run-cell" title="Run cell (Shift+Enter)" tabIndex={-1} onClick={() => runCells([cell.id])}>
        ▶
      </button>
      <span className="count">[{label}]</span>
      <RunTime rt={rt} />
    </div>
  );
}

/**
 * A press anywhere in a cell selects it. In its editor it also enters edit mode (the editor's focus does that);
 * anywhere else (prompt, gutter, outputs, rendered markdown) it is command mode, with focus on the notebook, so the
 * next keys act on cells and are never typed into an editor.
 */
function pressCell(e: React.MouseEvent, index: number): void {
  const nb = useNotebook.getState();
  const target = e.target as HTMLElement;
  nb.select(index, e.shiftKey);
  // In the editor, or on a control that keeps the editor's focus on purpose (a suggestion chip): no mode change.
  if (target.closest('.cell-editor') || e.defaultPrevented) return;
  // The plain text standing in for an editor not made yet: a press there means to edit, as it would in the editor.
  if (target.closest('.static-code') && !e.shiftKey) {
    // A press in the draft is the textarea's own (caret, selection).
    if (target.closest('.draft-code')) return;
    e.preventDefault();
    const pre = target.closest<HTMLElement>('.static-code')!;
    const offset = offsetAtPoint(pre, e.clientX, e.clientY);
    const cellId = nb.doc?.cells[index]?.id;
    if (offset !== undefined && cellId) pressedAt = { cellId, offset };
    nb.setMode('edit');
    return;
  }
  nb.setMode('command');
  // A form field in an output (a widget, an input() box) takes the keys itself.
  if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
  // Buttons and links still get their click, but not the focus: keys stay with the notebook.
  if (target.closest('button, a')) e.preventDefault();
  focusNotebook();
}

function CellView({
  cell,
  index,
  active,
  selected,
  editMode,
}: {
  cell: CellModel;
  index: number;
  active: boolean;
  selected: boolean;
  editMode: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // Monaco editors are made near the viewport only; the active cell gets its editor at once.
  const near = useNearViewport(ref, active);
  const [editingMd, setEditingMd] = useState(false);
  const [mdNow, setMdNow] = useState(markdownWarm);
  useEffect(() => {
    if (mdNow || cell.cell_type === 'code') return;
    const id = setTimeout(() => {
      warmMarkdown();
      setMdNow(true);
    }, 0);
    return () => clearTimeout(id);
  }, [mdNow, cell.cell_type]);
  // The active cell is shown wherever it went: selected, inserted (A, B) or moved (Ctrl+Shift+Up/Down).
  useEffect(() => {
    if (active && ref.current) return revealSoon(ref.current);
  }, [active, index]);
  useEffect(() => {
    if (!active || !editMode) setEditingMd(false);
    else if (cell.cell_type !== 'code') setEditingMd(true);
  }, [active, editMode, cell.cell_type]);
  const showEditor = cell.cell_type === 'code' || editingMd;
  // Sanitizing markdown costs about a millisecond a cell; only mounted cells pay it, once per source (markdown-cache.ts).
  const mathReady = useMathReady(); // a dependency below: the markdown is drawn again once KaTeX has loaded
  const mdHtml = useMemo(
    () =>
      cell.cell_type === 'code' || !mdNow
        ? null
        : cell.source.trim()
          ? markdownHtml(cell.source)
          : '<p class="muted">Double-click to edit markdown</p>',
    [cell.cell_type, cell.source, mdNow, mathReady],
  );
  return (
    <div
      ref={ref}
      className={`cell ${active ? 'active' : ''} ${selected ? 'selected' : ''} ${active && editMode ? 'editing' : ''}`}
      data-testid="cell"
      data-cell-type={cell.cell_type}
      data-cell-index={index}
      data-cell-id={cell.id}
      onMouseDown={(e) => pressCell(e, index)}
    >
      <div className="cell-row">
        {cell.cell_type === 'code' ? <Prompt cell={cell} /> : <div className="prompt" />}
        <div className="cell-body">
          {cell.cell_type === 'code' && (
            <div className="cell-meta">
              <StageBadge cellId={cell.id} />
            </div>
          )}
          {showEditor ? (
            near || (active && editMode) ? (
              <Suspense fallback={active && editMode ? <DraftCode cellId={cell.id} source={cell.source} /> : <StaticCode source={cell.source} />}>
                <CellEditor
                  cellId={cell.id}
                  source={cell.source}
                  language={cell.cell_type === 'code' ? 'python' : 'markdown'}
                  focus={active && editMode}
                />
              </Suspense>
            ) : (
              <StaticCode source={cell.source} />
            )
          ) : mdHtml === null ? (
            <div className="markdown pending" onDoubleClick={() => useNotebook.getState().setMode('edit')}>
              {cell.source}
            </div>
          ) : (
            <div
              className="markdown rendered"
              onDoubleClick={() => useNotebook.getState().setMode('edit')}
              dangerouslySetInnerHTML={{ __html: mdHtml }}
            />
          )}
          {cell.cell_type === 'code' && <OutputArea cell={cell} />}
          {active && cell.cell_type === 'code' && <SuggestionChips cellId={cell.id} />}
        </div>
      </div>
    </div>
  );
}

export const CellItem = memo(CellView);
