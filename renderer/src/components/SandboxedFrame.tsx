// Untrusted HTML/SVG from outputs: only ever inside an iframe sandboxed to an opaque origin (no same-origin access,
// no forms, popups, modals or top navigation). Scripts are allowed in the sandbox for one reason, the size script:
// the frame's own CSP admits that one file and nothing else, and the app's CSP (inherited by srcdoc frames) already
// refuses inline script and event handlers, so a <script> or onerror in the output never runs.
import { useEffect, useMemo, useRef, useState } from 'react';
import frameSizeUrl from '../outputs/frame-size.js?url&no-inline';

/** Taller content scrolls inside the frame: one DataFrame must not push the rest of the notebook away. */
export const MAX_FRAME_HEIGHT = 600;
const MIN_FRAME_HEIGHT = 24;

/** Where the size script lives, absolute: a srcdoc document's relative URLs would resolve against about:srcdoc. */
const sizeScript = new URL(frameSizeUrl, document.baseURI).href;

/** A first guess from the markup, used until the frame reports its real height (or if it never does). */
function estimateHeight(html: string): number {
  const rows = (html.match(/<tr[\s>]/gi) ?? []).length;
  const svgH = /<svg[^>]*\sheight="(\d+(?:\.\d+)?)(px)?"/i.exec(html)?.[1];
  if (svgH) return Number(svgH) + 24;
  if (rows) return rows * 27 + 40;
  const lines = html.split(/<br|<p|<div|<li|\n/i).length;
  return Math.max(40, lines * 20 + 20);
}

const clampHeight = (h: number) => Math.min(MAX_FRAME_HEIGHT, Math.max(MIN_FRAME_HEIGHT, Math.ceil(h)));

/** The one message a frame may send: its content height. Anything else is ignored. */
function reportedHeight(data: unknown): number | null {
  if (typeof data !== 'object' || data === null) return null;
  const { type, height } = data as { type?: unknown; height?: unknown };
  return type === 'gds-frame-height' && typeof height === 'number' && Number.isFinite(height) ? height : null;
}

export function SandboxedFrame({ html, title }: { html: string; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [measured, setMeasured] = useState<number | null>(null);
  const doc = useMemo(
    () => `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="script-src ${sizeScript}; object-src 'none'; base-uri 'none'; form-action 'none'">
<script src="${sizeScript}" defer></script>
<style>html{overflow-y:auto}body{margin:4px;display:flow-root;font:13px system-ui,sans-serif;color:#1f2328}
table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:right}th{background:#f3f4f6}
tr:nth-child(even) td{background:#fafbfc}</style></head><body>${html}</body></html>`,
    [html],
  );
  useEffect(() => {
    // The message must come from this very frame's window; an opaque origin serializes as "null".
    const onMessage = (e: MessageEvent) => {
      if (e.source === null || e.source !== frame.current?.contentWindow || e.origin !== 'null') return;
      const h = reportedHeight(e.data);
      if (h !== null) setMeasured(clampHeight(h));
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);
  const height = measured ?? clampHeight(estimateHeight(html));
  return (
    <div className="frame-wrap" style={{ height }} data-testid="output-frame-wrap" data-sized={measured !== null ? 'content' : 'estimate'}>
      <iframe ref={frame} className="output-frame" sandbox="allow-scripts" srcDoc={doc} title={title} referrerPolicy="no-referrer" />
    </div>
  );
}
