// Renders one nbformat output by its richest safe mime type.
import { useMemo, useState } from 'react';
import type { Output } from '../../../preload/contract.ts';
import { ansiToHtml } from '../outputs/stream-text.ts';
import { latexToHtml, markdownToSafeHtml } from '../outputs/markdown.ts';
import { useMathReady } from '../outputs/math.ts';
import { ErrorOutput } from './ErrorOutput.tsx';
import { SandboxedFrame } from './SandboxedFrame.tsx';
import { isWidgetOutput, WidgetOutput } from '../widgets/WidgetOutput.tsx';

const STREAM_LIMIT = 20_000;
const text = (v: unknown) => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');

function StreamView({ value, stderr }: { value: string; stderr: boolean }) {
  const [all, setAll] = useState(false);
  const long = value.length > STREAM_LIMIT && !all;
  const head = long ? value.slice(0, STREAM_LIMIT / 2) : '';
  // Built from the head's text (a string that stays equal while the cell prints on), not its HTML on every batch.
  const headHtml = useMemo(() => (head ? ansiToHtml(head) : ''), [head]);
  return (
    <div>
      {long ? (
        // The head and the tail: where a long loop started and where it is now. Separate blocks, so a cell printing
        // on lays out only the tail again, not the head above it.
        <pre className={`stream ${stderr ? 'stderr' : ''}`}>
          <div dangerouslySetInnerHTML={{ __html: headHtml }} />
          <div>…</div>
          <div dangerouslySetInnerHTML={{ __html: ansiToHtml(value.slice(-STREAM_LIMIT / 2)) }} />
        </pre>
      ) : (
        <pre className={`stream ${stderr ? 'stderr' : ''}`} dangerouslySetInnerHTML={{ __html: ansiToHtml(value) }} />
      )}
      {long && (
        <button className="link" onClick={() => setAll(true)}>
          Output truncated ({value.length.toLocaleString()} characters): show all
        </button>
      )}
    </div>
  );
}

/** Markdown or LaTeX output: drawn again when KaTeX has loaded (math shows as its source until then). */
function MathHtml({ className, source, toHtml }: { className: string; source: string; toHtml: (s: string) => string }) {
  useMathReady();
  return <div className={className} dangerouslySetInnerHTML={{ __html: toHtml(source) }} />;
}

export function OutputView({ output }: { output: Output }) {
  if (output.output_type === 'stream') return <StreamView value={text(output.text)} stderr={output.name === 'stderr'} />;
  if (output.output_type === 'error') return <ErrorOutput ename={output.ename} evalue={output.evalue} traceback={output.traceback} />;
  if (isWidgetOutput(output)) return <WidgetOutput output={output} />;
  const data = (output.data ?? {}) as Record<string, unknown>;
  if (data['text/html'] !== undefined) return <SandboxedFrame html={text(data['text/html'])} title="HTML output" />;
  if (data['image/svg+xml'] !== undefined) return <SandboxedFrame html={text(data['image/svg+xml'])} title="SVG output" />;
  if (data['image/png'] !== undefined)
    return <img className="output-image" alt="output" src={`data:image/png;base64,${text(data['image/png']).replace(/\s/g, '')}`} />;
  if (data['image/jpeg'] !== undefined)
    return <img className="output-image" alt="output" src={`data:image/jpeg;base64,${text(data['image/jpeg']).replace(/\s/g, '')}`} />;
  if (data['text/markdown'] !== undefined)
    return <MathHtml className="markdown" source={text(data['text/markdown'])} toHtml={markdownToSafeHtml} />;
  if (data['text/latex'] !== undefined) return <MathHtml className="latex" source={text(data['text/latex'])} toHtml={latexToHtml} />;
  if (data['application/json'] !== undefined) return <pre className="stream json">{JSON.stringify(data['application/json'], null, 2)}</pre>;
  if (data['text/plain'] !== undefined) return <StreamView value={text(data['text/plain'])} stderr={false} />;
  return <div className="muted">[output of type {Object.keys(data).join(', ') || 'unknown'} cannot be shown]</div>;
}
