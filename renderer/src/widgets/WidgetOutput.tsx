// An ipywidgets view in an output. PLACEHOLDER (issue #23): shows the widget's text fallback until widgets are built.
import type { Output } from '../../../preload/contract.ts';

export const WIDGET_MIME = 'application/vnd.jupyter.widget-view+json';

export function isWidgetOutput(output: Output): boolean {
  const data = output.data as Record<string, unknown> | undefined;
  return !!data && data[WIDGET_MIME] !== undefined;
}

export function WidgetOutput({ output }: { output: Output }) {
  const data = (output.data ?? {}) as Record<string, unknown>;
  const plain = data['text/plain'];
  return <pre className="stream">{Array.isArray(plain) ? plain.join('') : typeof plain === 'string' ? plain : '[widget]'}</pre>;
}
