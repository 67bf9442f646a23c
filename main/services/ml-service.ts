// Runs stage classification and next-line suggestions in a worker thread, so inference never blocks the main event loop.
import { Worker } from 'node:worker_threads';
import type { CheckFinding, StageId, StagePrediction, Suggestion } from '../../preload/contract.ts';
import type { LintCell } from '../../ml/guidance/types.ts';
import type { WorkerRequest, WorkerResponse } from '../workers/inference-protocol.ts';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** Where the worker lives: the .ts source under tsx, or the bundled .cjs next to the Electron main bundle. */
export function defaultWorkerSpec(): { url: URL | string; workerData?: { gdsEntry: string } } {
  const bundled = process.env.GDS_INFERENCE_WORKER;
  if (bundled) return { url: bundled };
  return {
    url: new URL('../workers/tsx-bootstrap.mjs', import.meta.url),
    workerData: { gdsEntry: new URL('../workers/inference-worker.ts', import.meta.url).href },
  };
}

export class MlService {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly spec = defaultWorkerSpec(),
  ) {}

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.spec.url, { workerData: this.spec.workerData });
    w.on('message', (msg: WorkerResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) w.unref(); // an idle worker must not keep a CLI process alive
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    const fail = (err: Error) => {
      this.log(`inference worker stopped: ${err.message}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = null; // the next request starts a fresh worker
    };
    w.on('error', fail);
    w.on('exit', (code) => code !== 0 && fail(new Error(`inference worker exited with code ${code}`)));
    w.unref();
    this.worker = w;
    return w;
  }

  private call<T>(req: WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const w = this.ensureWorker();
      w.ref();
      w.postMessage({ ...req, id } as WorkerRequest);
    });
  }

  classify(sources: string[], notebook = false): Promise<StagePrediction[]> {
    return this.call({ op: 'classify', sources, notebook });
  }

  suggest(
    cells: string[],
    top: number,
    extra: { columns?: string[]; bias?: Array<[string, number]>; files?: string[]; markdown?: string[] } = {},
  ): Promise<{ stage: StageId | null; suggestions: Suggestion[] }> {
    return this.call({ op: 'suggest', cells, top, ...extra });
  }

  /** Workflow checks of a notebook's code cells, in the worker (no model needed). */
  lint(cells: LintCell[], ignored: string[]): Promise<CheckFinding[]> {
    return this.call({ op: 'lint', cells, ignored });
  }

  /** Drops loaded models so the next request loads the newly installed ones (live model swap). */
  reload(): Promise<void> {
    return this.call({ op: 'reload' });
  }

  /** Loads the models in the worker ahead of the first request (the first suggestion otherwise waits seconds). */
  async warm(): Promise<void> {
    await this.call({ op: 'warm' });
  }

  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    w?.removeAllListeners('exit');
    await w?.terminate();
    this.worker = null;
  }
}
