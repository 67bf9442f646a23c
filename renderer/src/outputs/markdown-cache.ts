// Markdown cells' sanitized HTML by source. Rendering one costs about a millisecond (most of it DOMPurify parsing a
// document), paid each time a windowed notebook mounts the cell; a big notebook's markdown is rendered in idle
// moments after it opens, so scrolling mounts its cells without parsing anything.
import { markdownToSafeHtml } from './markdown.ts';

/** Enough for the markdown of a 20,000-cell notebook; the oldest entries go first. */
const MAX_ENTRIES = 5000;
const cache = new Map<string, string>();

export function markdownHtml(source: string): string {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  const html = markdownToSafeHtml(source);
  // Math drawn before KaTeX has loaded is a stand-in: not kept, so the cell is drawn again with KaTeX.
  if (!html.includes('math-pending')) {
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(source, html);
  }
  return html;
}

/** Renders these sources into the cache in idle moments, in order; the returned function stops it. */
export function prerenderMarkdown(sources: readonly string[]): () => void {
  let next = 0;
  let handle = 0;
  const step = (deadline: IdleDeadline) => {
    while (next < sources.length && next < MAX_ENTRIES && deadline.timeRemaining() > 2) markdownHtml(sources[next++]!);
    if (next < sources.length && next < MAX_ENTRIES) handle = requestIdleCallback(step);
  };
  handle = requestIdleCallback(step);
  return () => cancelIdleCallback(handle);
}
