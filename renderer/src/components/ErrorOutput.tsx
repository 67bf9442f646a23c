// A failed cell's error: the error line first (what went wrong), the traceback's frames one click away.
import { useState } from 'react';
import { ansiToHtml } from '../outputs/stream-text.ts';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function ErrorOutput({ ename, evalue, traceback }: { ename: unknown; evalue: unknown; traceback: unknown }) {
  const [open, setOpen] = useState(false);
  const name = typeof ename === 'string' && ename ? ename : 'Error';
  const value = typeof evalue === 'string' ? evalue : '';
  const summary = value ? `${name}: ${value}` : name;
  const lines = Array.isArray(traceback) ? traceback.map(String).join('\n').split('\n') : [];
  // A traceback that only repeats the error line has no frames to show.
  const frames = lines.filter((l) => l.replace(ANSI, '').trim() !== '' && l.replace(ANSI, '').trim() !== summary.trim());
  return (
    <div className="error-output" data-testid="error-output" data-expanded={open}>
      <pre className="error-summary" data-testid="error-summary" dangerouslySetInnerHTML={{ __html: ansiToHtml(summary) }} />
      {frames.length > 0 && (
        <button className="link error-expand" data-testid="error-expand" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide traceback' : `Show traceback (${lines.length} lines)`}
        </button>
      )}
      {open && <pre className="stream error-traceback" data-testid="error-traceback" dangerouslySetInnerHTML={{ __html: ansiToHtml(lines.join('\n')) }} />}
    </div>
  );
}
