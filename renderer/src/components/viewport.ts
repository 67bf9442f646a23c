// One IntersectionObserver for the mounted cells, plus editor-making in idle moments, so scrolling never waits for a
// Monaco editor to be created.
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

// Making an editor takes a frame or more: one is made per idle moment, the one nearest the middle of the window
// first, and none while the notebook is scrolling (the plain text standing in looks the same), so scroll frames stay
// short. A scroll that stopped SCROLL_QUIET_MS ago counts as stopped.
const SCROLL_QUIET_MS = 120;
let lastScrollAt = 0;
if (typeof document !== 'undefined') {
  document.addEventListener('scroll', () => { lastScrollAt = performance.now(); }, { capture: true, passive: true });
}
const waiting = new Map<() => void, Element>();
let pumping = false;

function whenIdle(fn: () => void): void {
  if ('requestIdleCallback' in window) window.requestIdleCallback(fn, { timeout: 300 });
  else setTimeout(fn, 16);
}

function nearestToMiddle(): (() => void) | undefined {
  const middle = window.innerHeight / 2;
  let best: (() => void) | undefined;
  let bestDistance = Infinity;
  for (const [fn, el] of waiting) {
    const r = el.getBoundingClientRect();
    const d = Math.abs((r.top + r.bottom) / 2 - middle);
    if (d < bestDistance) [best, bestDistance] = [fn, d];
  }
  return best;
}

function pump(): void {
  if (pumping || !waiting.size) return;
  pumping = true;
  const step = () => {
    const wait = SCROLL_QUIET_MS - (performance.now() - lastScrollAt);
    if (wait > 0) return void setTimeout(() => whenIdle(step), wait);
    pumping = false;
    const next = nearestToMiddle();
    if (next) {
      waiting.delete(next);
      next();
    }
    pump();
  };
  whenIdle(step);
}

const idle = (el: Element, fn: () => void): (() => void) => {
  waiting.set(fn, el);
  pump();
  return () => void waiting.delete(fn);
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
      else cancel = idle(el, () => setNear(true));
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
 * Scrolls a cell into view once it is laid out. A cell far from the last scroll position is mounted alone, between
 * spacers of estimated height; the cells mounted around it once it is scrolled to are measured and may move it: it
 * checks again for a few frames and scrolls again while the cell is not in view. Answers a cancel function.
 */
export function revealSoon(el: HTMLElement, frames = 8): () => void {
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
