// Markdown with math, rendered to sanitized HTML (DOMPurify removes anything that could run script).
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { renderMath } from './math.ts';

/** Math is cut out before markdown parsing (so `_` and `*` inside it survive) and put back after. */
export function markdownToSafeHtml(source: string): string {
  const math: string[] = [];
  const hold = (html: string) => `@@MATH${math.push(html) - 1}@@`;
  const text = source
    .replace(/\$\$([\s\S]+?)\$\$/g, (_, t: string) => hold(renderMath(t, true)))
    .replace(/(^|[^\\$])\$([^$\n]+?)\$/g, (_, pre: string, t: string) => pre + hold(renderMath(t, false)));
  const html = (marked.parse(text, { async: false, gfm: true }) as string).replace(/@@MATH(\d+)@@/g, (_, i: string) => math[Number(i)] ?? '');
  return DOMPurify.sanitize(html, { FORBID_TAGS: ['style', 'form', 'iframe', 'object', 'embed'], FORBID_ATTR: ['srcset'] });
}

export function latexToHtml(tex: string): string {
  const body = tex.trim().replace(/^\$\$?|\$\$?$/g, '');
  return DOMPurify.sanitize(renderMath(body, true));
}
