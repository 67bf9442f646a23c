// Turns a step's output lines into a progress fraction, and estimates time remaining from the rate of progress.
import type { ProgressHint } from './types.ts';

export interface ParsedLine {
  fraction: number | null;
  message: string;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const clamp = (f: number): number => Math.min(1, Math.max(0, f));

/** The JSON object a line carries: the whole line, or a `prefix: {...}` tail as the trainers' loggers print it. */
export function jsonOf(line: string): Record<string, unknown> | null {
  const at = line.indexOf('{');
  if (at < 0 || !line.trimEnd().endsWith('}')) return null;
  try {
    const v = JSON.parse(line.slice(at)) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Stateful per-command parser. Understands, in order: `{"fraction": f}` (what step-child tasks report, and test
 * fixtures), `{"done": n, "total": m}`, trainer `{"event": "epoch", "epoch": k}` lines (several sub-models
 * counted by their `name:` prefix), and per-item result lines when the total is known (gds execute --limit).
 */
export class LineProgress {
  private models = new Map<string, number>();
  private items = 0;

  constructor(private readonly hint: ProgressHint = {}) {}

  parse(raw: string): ParsedLine | null {
    const line = raw.trim();
    if (!line) return null;
    const j = jsonOf(line);
    const message = line.length > 200 ? `${line.slice(0, 199)}…` : line;
    if (j) {
      const f = num(j.fraction);
      if (f !== null) return { fraction: clamp(f), message: typeof j.message === 'string' ? j.message : message };
      const done = num(j.done);
      const total = num(j.total);
      if (done !== null && total) return { fraction: clamp(done / total), message: typeof j.message === 'string' ? j.message : message };
      if (j.event === 'epoch' || j.event === 'resumed') return { fraction: this.epochFraction(line, num(j.epoch)), message };
      if (j.event === 'done' && !this.hint.models) return { fraction: 1, message };
      // A step child's last line: its task finished (the result itself stays in the log, not in the progress message).
      if (j.event === 'result') return { fraction: 1, message: `${typeof j.task === 'string' ? j.task : 'task'} finished` };
      return { fraction: null, message: typeof j.message === 'string' && j.message ? j.message : message };
    }
    if (this.hint.total && /^(ok|error|missing-data|timeout|kernel-failed)\s/.test(line)) {
      this.items += 1;
      return { fraction: clamp(this.items / this.hint.total), message };
    }
    return { fraction: null, message };
  }

  private epochFraction(line: string, epoch: number | null): number | null {
    const epochs = this.hint.epochs;
    if (epoch === null || !epochs) return null;
    // `[12s] stage-prep: {"event":...}` → sub-model "stage-prep"; lines without a name count as one model.
    const name = /([\w.-]+):\s*\{/.exec(line)?.[1] ?? '';
    if (!this.models.has(name)) this.models.set(name, this.models.size);
    const models = this.hint.models ?? 1;
    const index = Math.min(this.models.get(name) ?? 0, models - 1);
    return clamp((index + Math.min(epoch, epochs) / epochs) / models);
  }
}

/** Time remaining from the progress made since this attempt's first sample (a resumed step may start above 0). */
export class EtaEstimator {
  private first: { t: number; f: number } | null = null;
  private last: { t: number; eta: number } | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** A line without a fraction keeps the last estimate, counted down, so a UI's time remaining does not flicker. */
  update(fraction: number | null): number | null {
    const t = this.now();
    if (fraction === null) return this.last ? Math.max(0, this.last.eta - (t - this.last.t) / 1000) : null;
    if (!this.first) {
      this.first = { t, f: fraction };
      return null;
    }
    const df = fraction - this.first.f;
    const dt = (t - this.first.t) / 1000;
    if (df <= 0 || dt <= 0) return null;
    const eta = Math.max(0, ((1 - fraction) * dt) / df);
    this.last = { t, eta };
    return eta;
  }
}
