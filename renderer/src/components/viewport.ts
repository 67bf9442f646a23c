// One IntersectionObserver for all cells (2,000 observers cost more than the cells), plus idle-time mounting,
// so scrolling never waits for a Monaco editor to be created.
import { useEffect, useState } from 'react';

type Listener = (near: boolean) => void;
const listeners = new Map<Element, Listener>();
let observer: IntersectionObserver | null = null;

function shared(): IntersectionObserver {
  observer ??= new IntersectionObserver((entries) => {
    for (const e of entries) listeners.get(e.target)?.(e.isIntersecting);
  }, { rootMargin: '300px 0px' });
  return observer;
}

const idle = (fn: () => void): (() => void) => {
  if ('requestIdleCallback' in window) {
    const id = window.requestIdleCallback(fn, { timeout: 300 });
    return () => window.cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 16);
  return () => clearTimeout(id);
};

/** True once the element has been near the viewport long enough for an idle moment; false again when it leaves. */
export function useNearViewport(ref: React.RefObject<HTMLElement | null>, eager = false): boolean {
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let cancel: (() => void) | null = null;
    listeners.set(el, (isNear) => {
      cancel?.();
      cancel = null;
      if (!isNear) setNear(false);
      else if (eager) setNear(true);
      else cancel = idle(() => setNear(true));
    });
    shared().observe(el);
    return () => {
      cancel?.();
      listeners.delete(el);
      shared().unobserve(el);
    };
  }, [ref, eager]);
  return near;
}

/** The nearest ancestor that scrolls (the notebook pane), else the page. */
function scrollParent(el: HTMLElement): HTMLElement {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const { overflowY } = getComputedStyle(p);
    if ((overflowY === 'auto' || overflowY === 'scroll') && p.scrollHeight > p.clientHeight) return p;
  }
  return (document.scrollingElement ?? document.documentElement) as HTMLElement;
}

/**
 * Scrolls a cell into view once it is laid out. Cells use content-visibility: auto, so the cells around a new or
 * moved one may still have their placeholder height when it is first scrolled to: it checks again for a few frames
 * and scrolls again while the cell is not in view. Answers a cancel function.
 */
export function revealSoon(el: HTMLElement, frames = 4): () => void {
  let id = 0;
  let left = frames;
  const step = () => {
    if (!el.isConnected) return;
    const r = el.getBoundingClientRect();
    const parent = scrollParent(el);
    const box = parent === document.scrollingElement ? { top: 0, bottom: window.innerHeight } : parent.getBoundingClientRect();
    const tall = r.height > box.bottom - box.top;
    // A cell taller than the pane is in view when its top is; a shorter one when all of it is.
    const inView = tall ? r.top >= box.top && r.top < box.bottom : r.top >= box.top && r.bottom <= box.bottom;
    if (!inView) el.scrollIntoView({ block: tall ? 'start' : 'nearest' });
    if (--left > 0) id = requestAnimationFrame(step);
  };
  id = requestAnimationFrame(step);
  return () => cancelAnimationFrame(id);
}
