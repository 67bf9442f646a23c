// A notebook in a tab: the one copy of its document, selection and mode, cell runtime state, and undo of cell
// operations. Each tab has its own store; `useNotebook` is the active tab's (see `tabs.ts`).
import { createStore, type StoreApi } from 'zustand/vanilla';
import { activeFacade } from './active-store.ts';
import type { Cell, NotebookDoc, Output } from '../../../preload/contract.ts';

/** `died`: the kernel died while running the cell; `not-run`: it was queued behind a cell that failed that way. */
export interface CellRuntime {
  state: 'idle' | 'queued' | 'running' | 'died' | 'not-run';
  /** When the cell started running (ms since the epoch), for the live elapsed-time counter. */
  startedAt?: number;
  durationMs?: number;
  lastStatus?: 'ok' | 'error' | 'aborted';
}
export type CellType = Cell['cell_type'];

export function newCellId(): string {
  return crypto.randomUUID().replaceAll('-', '').slice(0, 12);
}

export function makeCell(type: CellType, source = ''): Cell {
  return type === 'code'
    ? { id: newCellId(), cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null }
    : { id: newCellId(), cell_type: type, source, metadata: {} };
}

interface State {
  doc: NotebookDoc | null;
  path: string | null;
  mtimeMs: number | null;
  /** Journal key for a notebook that has no file yet. */
  untitledKey: string;
  dirty: boolean;
  /** Bumped on every change of the document; autosave and the crash journal follow it. */
  version: number;
  active: number;
  selected: string[];
  mode: 'command' | 'edit';
  undoStack: Cell[][];
  runtime: Record<string, CellRuntime>;
  pendingClear: Record<string, boolean>;
  /** Why the open file must not be written over (an invalid notebook, not UTF-8, a declined conversion); null: writable. */
  readOnly: string | null;
  /** The open file is in nbformat 2/3: saving converts it to format 4 once the user agrees; the original is kept at backupPath. */
  conversion: { from: string; backupPath: string } | null;
}

interface Actions {
  load(doc: NotebookDoc, path: string | null, mtimeMs: number | null, dirty?: boolean): void;
  markSaved(path: string, mtimeMs: number, savedVersion: number): void;
  setFileState(state: { readOnly?: string | null; conversion?: { from: string; backupPath: string } | null }): void;
  setSource(id: string, source: string): void;
  insert(at: number, type?: CellType, source?: string): string;
  deleteSelected(): void;
  move(delta: -1 | 1): void;
  changeType(type: CellType): void;
  split(id: string, offset: number): void;
  mergeSelected(): void;
  undo(): void;
  select(index: number, extend?: boolean): void;
  setMode(mode: 'command' | 'edit'): void;
  appendOutput(cellId: string, output: Output): void;
  clearOutputs(cellId: string, wait?: boolean): void;
  clearAllOutputs(): void;
  updateDisplay(displayId: string, output: Output): void;
  setRuntime(cellId: string, rt: CellRuntime, executionCount?: number | null): void;
  setCellMetadata(cellId: string, key: string, value: unknown): void;
  /** One top-level key of the notebook's own metadata (saved with the file, like cell edits). */
  setNotebookMetadata(key: string, value: unknown): void;
}

export type NotebookStore = State & Actions;

const MAX_UNDO = 100;

export function createNotebookStore(): StoreApi<NotebookStore> {
  return createStore<NotebookStore>(notebookState);
}

/** The active tab's notebook: `useNotebook(selector)` in components, `useNotebook.getState()` in actions. */
export const useNotebook = activeFacade(createNotebookStore());

function notebookState(set: StoreApi<NotebookStore>['setState'], get: () => NotebookStore): NotebookStore {
  /** The single entry point for document changes: applies `fn` to the cells and bumps the version. */
  const edit = (fn: (cells: Cell[]) => Cell[], structural: boolean, extra: Partial<State> = {}) => {
    const { doc, undoStack, version } = get();
    if (!doc) return;
    const cells = fn(doc.cells);
    if (cells === doc.cells) return;
    set({
      doc: { ...doc, cells },
      dirty: true,
      version: version + 1,
      undoStack: structural ? [...undoStack.slice(-MAX_UNDO + 1), doc.cells] : undoStack,
      ...extra,
    });
  };
  const mapCell = (id: string, fn: (c: Cell) => Cell) => (cells: Cell[]) => cells.map((c) => (c.id === id ? fn(c) : c));
  const clamp = (i: number, n: number) => Math.max(0, Math.min(i, n - 1));

  return {
    doc: null,
    path: null,
    mtimeMs: null,
    untitledKey: `untitled:${newCellId()}`,
    dirty: false,
    version: 0,
    active: 0,
    selected: [],
    mode: 'command',
    undoStack: [],
    runtime: {},
    pendingClear: {},
    readOnly: null,
    conversion: null,

    load(doc, path, mtimeMs, dirty = false) {
      // Another file (or none) starts writable; the same file keeps its state (a restored crash journal, say).
      const file = path !== get().path || path === null ? { readOnly: null, conversion: null } : {};
      set({
        doc,
        path,
        mtimeMs,
        dirty,
        version: get().version + 1,
        active: 0,
        selected: doc.cells[0] ? [doc.cells[0].id] : [],
        undoStack: [],
        runtime: {},
        mode: 'command',
        ...file,
      });
    },
    markSaved(path, mtimeMs, savedVersion) {
      set({ path, mtimeMs, dirty: get().version !== savedVersion });
    },
    setFileState(state) {
      set(state);
    },
    setSource(id, source) {
      edit(
        mapCell(id, (c) => (c.source === source ? c : { ...c, source })),
        false,
      );
    },
    insert(at, type = 'code', source = '') {
      const cell = makeCell(type, source);
      edit((cells) => [...cells.slice(0, at), cell, ...cells.slice(at)], true, { active: at, selected: [cell.id] });
      return cell.id;
    },
    deleteSelected() {
      const { selected, active, doc } = get();
      if (!doc) return;
      const ids = new Set(selected.length ? selected : [doc.cells[active]?.id]);
      edit((cells) => {
        const left = cells.filter((c) => !ids.has(c.id));
        return left.length ? left : [makeCell('code')];
      }, true);
      const n = get().doc?.cells.length ?? 1;
      const idx = clamp(active, n);
      set({ active: idx, selected: [get().doc?.cells[idx]?.id ?? ''] });
    },
    move(delta) {
      const { active, doc } = get();
      if (!doc) return;
      const to = active + delta;
      if (to < 0 || to >= doc.cells.length) return;
      edit(
        (cells) => {
          const next = [...cells];
          const [c] = next.splice(active, 1);
          if (c) next.splice(to, 0, c);
          return next;
        },
        true,
        { active: to },
      );
    },
    changeType(type) {
      const ids = new Set(get().selected);
      edit(
        (cells) =>
          cells.map((c) => {
            if (!ids.has(c.id) || c.cell_type === type) return c;
            const { outputs, execution_count, ...rest } = c;
            void outputs;
            void execution_count;
            return type === 'code' ? { ...rest, cell_type: 'code', outputs: [], execution_count: null } : { ...rest, cell_type: type };
          }),
        true,
      );
    },
    split(id, offset) {
      edit(
        (cells) =>
          cells.flatMap((c) => {
            if (c.id !== id) return [c];
            const a = c.source.slice(0, offset).replace(/\n$/, '');
            const b = c.source.slice(offset).replace(/^\n/, '');
            return [
              { ...c, source: a },
              { ...makeCell(c.cell_type), source: b },
            ];
          }),
        true,
      );
    },
    mergeSelected() {
      const { selected, doc, active } = get();
      if (!doc) return;
      const ids = selected.length > 1 ? new Set(selected) : new Set([doc.cells[active]?.id, doc.cells[active + 1]?.id]);
      const group = doc.cells.filter((c) => ids.has(c.id));
      const first = group[0];
      if (!first || group.length < 2) return;
      const merged: Cell = {
        ...first,
        source: group.map((c) => c.source).join('\n\n'),
        ...(first.cell_type === 'code' ? { outputs: [], execution_count: null } : {}),
      };
      edit((cells) => cells.filter((c) => !ids.has(c.id) || c.id === first.id).map((c) => (c.id === first.id ? merged : c)), true, {
        selected: [first.id],
      });
    },
    undo() {
      const { undoStack, doc, version } = get();
      const prev = undoStack[undoStack.length - 1];
      if (!doc || !prev) return;
      set({
        doc: { ...doc, cells: prev },
        undoStack: undoStack.slice(0, -1),
        dirty: true,
        version: version + 1,
        active: clamp(get().active, prev.length),
      });
    },
    select(index, extend = false) {
      const { doc, selected, active } = get();
      if (!doc) return;
      const i = clamp(index, doc.cells.length);
      const id = doc.cells[i]?.id ?? '';
      if (!extend) return set({ active: i, selected: [id] });
      const [lo, hi] = [Math.min(active, i), Math.max(active, i)];
      const range = doc.cells.slice(lo, hi + 1).map((c) => c.id);
      set({ active: i, selected: [...new Set([...selected, ...range])] });
    },
    setMode(mode) {
      if (get().mode !== mode) set({ mode });
    },
    appendOutput(cellId, output) {
      const wait = get().pendingClear[cellId];
      edit(
        mapCell(cellId, (c) => {
          const outs = wait ? [] : [...(c.outputs ?? [])];
          const last = outs[outs.length - 1];
          // Consecutive stream chunks of one stream become one output, as Jupyter stores them.
          if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
            outs[outs.length - 1] = { ...last, text: String(last.text ?? '') + String(output.text ?? '') };
          } else outs.push(output);
          return { ...c, outputs: outs };
        }),
        false,
        wait ? { pendingClear: { ...get().pendingClear, [cellId]: false } } : {},
      );
    },
    clearOutputs(cellId, wait = false) {
      if (wait) return set({ pendingClear: { ...get().pendingClear, [cellId]: true } });
      edit(
        mapCell(cellId, (c) => (c.outputs?.length ? { ...c, outputs: [] } : c)),
        false,
      );
    },
    clearAllOutputs() {
      edit((cells) => cells.map((c) => (c.cell_type === 'code' ? { ...c, outputs: [], execution_count: null } : c)), true);
    },
    updateDisplay(displayId, output) {
      edit(
        (cells) =>
          cells.map((c) => {
            if (!c.outputs?.some((o) => (o.transient as { display_id?: string } | undefined)?.display_id === displayId)) return c;
            return {
              ...c,
              outputs: c.outputs.map((o) =>
                (o.transient as { display_id?: string } | undefined)?.display_id === displayId
                  ? { ...o, data: output.data, metadata: output.metadata }
                  : o,
              ),
            };
          }),
        false,
      );
    },
    setRuntime(cellId, rt, executionCount) {
      set({ runtime: { ...get().runtime, [cellId]: rt } });
      if (executionCount !== undefined)
        edit(
          mapCell(cellId, (c) => ({ ...c, execution_count: executionCount })),
          false,
        );
    },
    setCellMetadata(cellId, key, value) {
      edit(
        mapCell(cellId, (c) => ({ ...c, metadata: { ...c.metadata, [key]: value } })),
        false,
      );
    },
    setNotebookMetadata(key, value) {
      const { doc, version } = get();
      if (doc) set({ doc: { ...doc, metadata: { ...doc.metadata, [key]: value } }, dirty: true, version: version + 1 });
    },
  };
}
