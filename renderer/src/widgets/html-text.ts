// Text that widgets carry as HTML (HTML/HTMLMath values, descriptions). It comes from user code and is untrusted:
// markup is only ever shown inside the sandboxed frame; what has none is text, shown inline once its character
// references are decoded (tqdm's labels are such text: "&lt;" and "&amp;" and nothing else).

/** Parses into an inert document (no browsing context: no script runs, nothing loads); only its text is read. */
function textOf(html: string): string {
  return new DOMParser().parseFromString(`<!doctype html><body>${html}</body>`, 'text/html').body.textContent ?? '';
}

/** The text of an HTML value that has no markup, or null when it has some (it needs the sandboxed frame). */
export function plainText(html: string): string | null {
  if (html.includes('<')) return null;
  return html.includes('&') ? textOf(html) : html;
}

/** A description as text: ipywidgets 7 (and 8 with description_allow_html) let it carry HTML, which we never render. */
export function descriptionText(v: unknown): string {
  if (typeof v !== 'string') return '';
  return v.includes('<') || v.includes('&') ? textOf(v) : v;
}
