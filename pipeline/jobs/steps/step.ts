// What one pipeline step is: a zod params schema, a typed result and a run function that reports through StepIo.
// The same definition runs in the pipeline's child process (pipeline/jobs/step-child.ts) and under a `gds` command.
import type { z } from 'zod';

/** Progress of a step; `fraction` in [0, 1], null when the step cannot tell. */
export interface StepProgress {
  fraction: number | null;
  message?: string;
  /** Item counts and the item at hand where the step has them (the CLI's import bar draws them). */
  done?: number;
  total?: number | null;
  item?: string;
}

/** How a step talks to whoever runs it; a CLI adapter writes to the terminal, the step child to its pipes. */
export interface StepIo {
  /** The step's report (stdout): `gds label --analyze`'s table, a training summary. */
  out(line: string): void;
  /** Diagnostics and trainer events (stderr); the pipeline keeps them in the step log and reads epoch lines from them. */
  log(line: string): void;
  progress(p: StepProgress): void;
  /** Aborted on cancel (SIGTERM to the step child, Ctrl-C in the CLI); long steps stop cleanly between items. */
  signal: AbortSignal;
}

export interface StepDefinition<S extends z.ZodType, R> {
  name: string;
  params: S;
  run(params: z.output<S>, io: StepIo): Promise<R>;
}

/**
 * Keeps the schema and the run function's parameter type tied together: a renamed param fails to compile. Schemas are
 * strict objects, so a param the schema no longer has is refused at run time too instead of being dropped.
 */
export function defineStep<S extends z.ZodType, R>(d: StepDefinition<S, R>): StepDefinition<S, R> {
  return d;
}

/** Parses params with an error naming the step and each bad field (the child's argv is an edge like any file). */
export function parseParams<S extends z.ZodType>(step: string, schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const fields = r.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ');
  throw new Error(`step ${step}: invalid params: ${fields}`);
}

/** An io that prints like the old commands did: report to stdout, diagnostics to stderr, progress dropped. */
export function consoleIo(signal: AbortSignal = new AbortController().signal): StepIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    log: (line) => process.stderr.write(`${line}\n`),
    progress: () => undefined,
    signal,
  };
}
