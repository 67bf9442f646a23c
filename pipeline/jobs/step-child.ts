// The child process of a pipeline step: one task of the registry, params validated by its zod schema.
// Protocol: argv[0] is `{"task": NAME, "params": {...}}`; stdout carries the task's report lines, progress as
// `{"fraction": f, "message": m}` lines and, last, `{"event": "result", "task": NAME, "result": ...}`; stderr its log.
// A crash here takes down this process only; the pipeline stops it (and its Python grandchildren) as a process group.
import { z } from 'zod';
import { STEP_REGISTRY, isTaskName } from './steps/registry.ts';
import { parseParams, type StepIo, type StepProgress } from './steps/step.ts';

const Invocation = z.object({ task: z.string().refine(isTaskName, { message: 'not a step of pipeline/jobs/steps/registry.ts' }), params: z.unknown() });

/** Progress lines at most this often (an import reports every notebook); the last one (fraction 1) always goes out. */
const PROGRESS_EVERY_MS = 250;

function writeLine(stream: NodeJS.WriteStream, line: string): void {
  stream.write(`${line}\n`);
}

/** Runs one task; resolves with the exit code (0 done, 1 failed, 2 bad invocation, 143 cancelled). */
export async function runStepChild(argv: string[]): Promise<number> {
  let parsed: z.infer<typeof Invocation>;
  try {
    parsed = Invocation.parse(JSON.parse(argv[0] ?? ''));
  } catch (e) {
    writeLine(process.stderr, `step child: argv[0] must be {"task","params"} JSON: ${(e as Error).message}`);
    return 2;
  }
  const task = parsed.task;
  if (!isTaskName(task)) return 2;
  const def = STEP_REGISTRY[task];
  const controller = new AbortController();
  // Cancel: the pipeline sends SIGTERM to the group. Steps that watch the signal get a moment to stop between items;
  // the exit follows regardless, as it did when the default SIGTERM handler ended the process at once.
  process.once('SIGTERM', () => {
    controller.abort();
    setTimeout(() => process.exit(143), 1000).unref();
  });
  let lastProgress = 0;
  const io: StepIo = {
    out: (line) => writeLine(process.stdout, line),
    log: (line) => writeLine(process.stderr, line),
    progress: (p: StepProgress) => {
      const now = Date.now();
      if (now - lastProgress < PROGRESS_EVERY_MS && p.fraction !== 1) return;
      lastProgress = now;
      writeLine(process.stdout, JSON.stringify({ fraction: p.fraction, message: p.message ?? '' }));
    },
    signal: controller.signal,
  };
  try {
    // The registry entry is a union of step types; each run is called with the params its own schema produced.
    const params = parseParams(task, def.params, parsed.params);
    const result: unknown = await (def.run as (p: unknown, io: StepIo) => Promise<unknown>)(params, io);
    writeLine(process.stdout, JSON.stringify({ event: 'result', task, result }));
    return controller.signal.aborted ? 143 : 0;
  } catch (e) {
    // The stack first, the message last: the pipeline shows a failed step's last lines.
    if (e instanceof Error && e.stack) writeLine(process.stderr, e.stack);
    writeLine(process.stderr, `${task}: ${e instanceof Error ? e.message : String(e)}`);
    return controller.signal.aborted ? 143 : 1;
  }
}
