// An ipywidgets view in a cell's output (`application/vnd.jupyter.widget-view+json`): the live widget when its model
// is known to this tab, else the output's text form with a note (a saved notebook's widgets need their cell run again).
import { z } from 'zod';
import type { Output } from '../../../preload/contract.ts';
import { useKernel } from '../stores/kernel.ts';
import { WidgetView } from './WidgetView.tsx';
import './widgets.css';

export const WIDGET_MIME = 'application/vnd.jupyter.widget-view+json';

const ViewRef = z.object({ model_id: z.string().min(1).max(200) });

export function isWidgetOutput(output: Output): boolean {
  const data = output.data as Record<string, unknown> | undefined;
  return !!data && data[WIDGET_MIME] !== undefined;
}

function NotLive({ data }: { data: Record<string, unknown> }) {
  const plain = data['text/plain'];
  const text = Array.isArray(plain) ? plain.join('') : typeof plain === 'string' ? plain : '';
  return (
    <div className="gds-w-not-live" data-testid="widget-not-live">
      {text && <pre className="stream">{text}</pre>}
      <span className="gds-w-note">[widget not live: run the cell to show it]</span>
    </div>
  );
}

export function WidgetOutput({ output }: { output: Output }) {
  const data = (output.data ?? {}) as Record<string, unknown>;
  const ref = ViewRef.safeParse(data[WIDGET_MIME]);
  const kernelId = useKernel((s) => s.kernelId);
  if (!ref.success) return <NotLive data={data} />;
  return (
    <div className="gds-widget-area" data-testid="widget-output">
      <WidgetView id={ref.data.model_id} kernelId={kernelId} fallback={<NotLive data={data} />} />
    </div>
  );
}
