// Windowing for the notebook view: only the cells near the scroll position are mounted, the others are spacers of
// their (measured or estimated) height. Scrolling, resizes and measurements update which cells those are.
import { startTransition, useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { Cell } from '../../../preload/contract.ts';
import { CellHeights, CellOffsets, covers, MOUNT_ALL_UP_TO, overlaps, rangeFor, slotsFor, type Range, type Slot } from './notebook-window.ts';

// The window is re-centred only when the viewport comes within NEAR px of its edge, then spans FAR px either side:
// a re-render every few hundred pixels of scrolling rather than at every cell boundary.
const NEAR = 300;
const FAR = 900;

/** Heights by notebook (its store): a tab switched away from and back keeps them; a closed one lets them go. */
const heightsByNotebook = new WeakMap<object, CellHeights>();

function heightsFor(notebook: object): CellHeights {
  let h = heightsByNotebook.get(notebook);
  if (!h) heightsByNotebook.set(notebook, (h = new CellHeights()));
  return h;
}

export interface NotebookWindow {
  slots: Slot[];
  /** Every cell is mounted (small notebooks). */
  all: boolean;
  /** The first window has been laid out and measured. */
  ready: boolean;
  /** For the element that holds the slots. */
  listRef: (el: HTMLDivElement | null) => void;
  /** For each cell's row: `data-row-index` and `data-row-id` say which cell it is. */
  measureRef: (el: HTMLElement | null) => (() => void) | undefined;
}

function scrollerOf(el: HTMLElement): HTMLElement {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const { overflowY } = getComputedStyle(p);
    if (overflowY === 'auto' || overflowY === 'scroll') return p;
  }
  return (document.scrollingElement ?? document.documentElement) as HTMLElement;
}

/** `notebook`: any object that stands for the notebook shown while it is open (its store), to keep its heights by. */
export function useNotebookWindow(notebook: object, cells: readonly Cell[], pinned: readonly number[]): NotebookWindow {
  const [heights] = useState(() => heightsFor(notebook));
  const cellsRef = useRef(cells);
  const list = useRef<HTMLDivElement | null>(null);
  const scroller = useRef<HTMLElement | null>(null);
  // Offsets follow the cells (on each render) and the measurements (which arrive between renders).
  const [offsetIndex] = useState(() => new CellOffsets(heights));
  const offsetsOf = useCallback((cs: readonly Cell[]) => offsetIndex.of(cs), [offsetIndex]);
  const [range, setRange] = useState<Range>(() => rangeFor(offsetsOf(cells), 0, window.innerHeight + FAR));
  /** The range last asked for (a transition may not have rendered it yet). */
  const wanted = useRef(range);
  const [ready, setReady] = useState(false);

  /** `scrolling`: called for a scroll event; cells added, moved or measured are mounted at once. */
  const check = useCallback((scrolling = false) => {
    const l = list.current;
    const s = scroller.current;
    if (!l || !s) return;
    const offsets = offsetsOf(cellsRef.current);
    // A small notebook mounts every cell wherever it is scrolled: no need to read the layout, which would force it in
    // the middle of each commit (a cell printing fast commits many times a second, each time with a long output).
    const small = offsets.length - 1 <= MOUNT_ALL_UP_TO;
    const top = small ? 0 : s.getBoundingClientRect().top - l.getBoundingClientRect().top;
    const bottom = top + (small ? 0 : s.clientHeight);
    const need = rangeFor(offsets, top - NEAR, bottom + NEAR);
    const cur = wanted.current;
    if (covers(cur, need)) return;
    const next = rangeFor(offsets, top - FAR, bottom + FAR);
    wanted.current = next;
    // Scrolling on (the cells needed meet those mounted, which reach FAR px beyond the viewport): the new cells are a
    // transition, which React renders in slices between frames instead of holding up the frame of each scroll step.
    // A jump (find, a link, the scrollbar dragged) mounts its cells at once.
    if (scrolling && overlaps(cur, need)) startTransition(() => setRange(next));
    else setRange(next);
  }, [offsetsOf]);

  const [observer] = useState(() => new ResizeObserver((entries) => {
    for (const e of entries) {
      const el = e.target as HTMLElement;
      const index = Number(el.dataset.rowIndex);
      const cell = cellsRef.current[index];
      if (!cell || cell.id !== el.dataset.rowId) continue;
      const h = e.borderBoxSize[0]?.blockSize ?? el.getBoundingClientRect().height;
      if (heights.set(cell, h)) offsetIndex.remeasured(index);
    }
    check();
    setReady(true);
  }));

  useLayoutEffect(() => {
    cellsRef.current = cells;
    check();
  }, [cells, check]);

  const listRef = useCallback((el: HTMLDivElement | null) => {
    list.current = el;
    if (!el) return;
    const s = scrollerOf(el);
    scroller.current = s;
    const onScroll = () => check(true);
    s.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(s);
    check();
    return () => {
      s.removeEventListener('scroll', onScroll);
      observer.unobserve(s);
      list.current = null;
    };
  }, [check, observer]);

  const measureRef = useCallback((el: HTMLElement | null) => {
    if (!el) return undefined;
    observer.observe(el);
    return () => observer.unobserve(el);
  }, [observer]);

  useLayoutEffect(() => () => observer.disconnect(), [observer]);

  const offsets = offsetsOf(cells);
  const slots = slotsFor(offsets, range, pinned);
  return { slots, all: !slots.some((s) => s.kind === 'gap'), ready, listRef, measureRef };
}
