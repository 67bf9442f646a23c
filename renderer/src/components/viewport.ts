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
