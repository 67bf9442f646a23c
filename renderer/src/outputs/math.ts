// KaTeX (about 270 KB of script, its CSS and fonts) is loaded on demand, off the first screen: until it has evaluated,
// math shows as its TeX source, and the components that drew it re-render once it arrives (useMathReady).
import { useSyncExternalStore } from 'react';

type Katex = typeof import('katex').default;

let katex: Katex | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

export function loadMath(): Promise<void> {
  loading ??= Promise.all([import('katex'), import('katex/dist/katex.min.css')]).then(([m]) => {
    katex = m.default;
    for (const l of listeners) l();
  });
  return loading;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True once KaTeX has loaded; a component that renders math reads it so that it draws again then. */
export function useMathReady(): boolean {
  return useSyncExternalStore(subscribe, () => katex !== null);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}

export function renderMath(tex: string, display: boolean): string {
  if (!katex) {
    void loadMath();
    return `<code class="math-pending">${escapeHtml(tex)}</code>`;
  }
  try {
    return katex.renderToString(tex, { displayMode: display, throwOnError: false, trust: false });
  } catch {
    return `<code>${escapeHtml(tex)}</code>`;
  }
}
