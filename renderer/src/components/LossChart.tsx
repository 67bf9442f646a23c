// A small SVG line chart of training and validation loss per epoch.
import type { TrainingCurve } from '../../../preload/contract.ts';

export function LossChart({ curve }: { curve: TrainingCurve }) {
  const W = 260, H = 120, P = 24;
  const pts = curve.points;
  const values = pts.flatMap((p) => [p.trainLoss, p.valLoss]).filter((v): v is number => v !== null);
  if (!pts.length || !values.length) return null;
  const maxE = Math.max(...pts.map((p) => p.epoch), 1);
  const minE = Math.min(...pts.map((p) => p.epoch));
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const x = (e: number) => P + ((e - minE) / Math.max(1, maxE - minE)) * (W - 2 * P);
  const y = (v: number) => H - P - ((v - lo) / Math.max(1e-9, hi - lo)) * (H - 2 * P);
  const line = (key: 'trainLoss' | 'valLoss') => pts.filter((p) => p[key] !== null).map((p) => `${x(p.epoch)},${y(p[key]!)}`).join(' ');
  return (
    <figure className="chart" data-testid="loss-chart">
      <svg width={W} height={H} role="img" aria-label={`loss curve of ${curve.model}`}>
        <line x1={P} y1={H - P} x2={W - P} y2={H - P} stroke="#ccc" />
        <line x1={P} y1={P} x2={P} y2={H - P} stroke="#ccc" />
        <polyline fill="none" stroke="#2f6fde" strokeWidth="2" points={line('trainLoss')} />
        <polyline fill="none" stroke="#dd6b20" strokeWidth="2" strokeDasharray="4 2" points={line('valLoss')} />
        <text x={P} y={12} fontSize="10">{hi.toFixed(3)}</text>
        <text x={P} y={H - 8} fontSize="10">{lo.toFixed(3)} · epochs {minE}–{maxE}</text>
      </svg>
      <figcaption>{curve.model} <span className="muted">— train (solid), validation (dashed)</span></figcaption>
    </figure>
  );
}
