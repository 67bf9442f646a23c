// Untrusted HTML/SVG from outputs: only ever inside an iframe with an empty sandbox (no script, no same-origin).
import { useMemo } from 'react';

function estimateHeight(html: string): number {
  const rows = (html.match(/<tr[\s>]/gi) ?? []).length;
  const svgH = /<svg[^>]*\sheight="(\d+(?:\.\d+)?)(px)?"/i.exec(html)?.[1];
  if (svgH) return Math.min(900, Number(svgH) + 24);
  if (rows) return Math.min(520, rows * 27 + 40);
  const lines = html.split(/<br|<p|<div|<li|\n/i).length;
  return Math.min(400, Math.max(40, lines * 20 + 20));
}

export function SandboxedFrame({ html, title }: { html: string; title: string }) {
  const doc = useMemo(
    () => `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:4px;font:13px system-ui,sans-serif;color:#1f2328}
table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:right}th{background:#f3f4f6}
tr:nth-child(even) td{background:#fafbfc}</style></head><body>${html}</body></html>`,
    [html],
  );
  return (
    <div className="frame-wrap" style={{ height: estimateHeight(html) }}>
      <iframe className="output-frame" sandbox="" srcDoc={doc} title={title} referrerPolicy="no-referrer" />
    </div>
  );
}
