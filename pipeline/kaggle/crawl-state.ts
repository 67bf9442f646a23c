// Resumable crawl state as an append-only JSON-lines log: cheap to write per kernel, safe to interrupt at any line.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export type StateEvent =
  | { type: 'listed'; source: string; refs: string[]; at: string }
  | { type: 'done'; ref: string; source: string; file: string; at: string }
  | { type: 'failed'; ref: string; source: string; kind: string; reason: string; at: string };

const StateEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('listed'), source: z.string(), refs: z.array(z.string()), at: z.string() }),
  z.object({ type: z.literal('done'), ref: z.string(), source: z.string(), file: z.string(), at: z.string() }),
  z.object({ type: z.literal('failed'), ref: z.string(), source: z.string(), kind: z.string(), reason: z.string(), at: z.string() }),
]) satisfies z.ZodType<StateEvent, unknown>;

export interface KernelState {
  status: 'done' | 'failed';
  source: string;
  reason?: string;
  kind?: string;
  attempts: number;
}

export class CrawlState {
  readonly listed = new Map<string, string[]>();
  readonly kernels = new Map<string, KernelState>();

  constructor(readonly path: string) {
    if (!existsSync(path)) return;
    // A line cut short by a kill is the only damage possible; skip it and keep the rest.
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        continue;
      }
      // A line of another shape is not this log's: refusing the whole file would lose a long crawl, so it is skipped too.
      const e = StateEventSchema.safeParse(raw);
      if (e.success) this.apply(e.data);
    }
  }

  private apply(e: StateEvent): void {
    if (e.type === 'listed') this.listed.set(e.source, e.refs);
    else {
      const prev = this.kernels.get(e.ref);
      const attempts = (prev?.attempts ?? 0) + 1;
      this.kernels.set(
        e.ref,
        e.type === 'done'
          ? { status: 'done', source: e.source, attempts }
          : { status: 'failed', source: e.source, kind: e.kind, reason: e.reason, attempts },
      );
    }
  }

  record(e: StateEvent): void {
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, `${JSON.stringify(e)}\n`);
    this.apply(e);
  }

  isDone(ref: string): boolean {
    return this.kernels.get(ref)?.status === 'done';
  }

  failures(): Array<{ ref: string; kind: string; reason: string }> {
    return [...this.kernels].filter(([, k]) => k.status === 'failed').map(([ref, k]) => ({ ref, kind: k.kind ?? '', reason: k.reason ?? '' }));
  }
}
