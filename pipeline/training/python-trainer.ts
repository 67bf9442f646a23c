// Runs a training script of resources/python (classifier LSTM, recommender, stacker, reranker) and relays its JSON-lines progress.
// The PyTorch trainers run under torchrun when more than one process is asked for: the same script either way.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

export interface TrainEvent {
  event: string;
  [key: string]: unknown;
}

function isEvent(v: unknown): v is TrainEvent {
  return typeof v === 'object' && v !== null && typeof (v as { event?: unknown }).event === 'string';
}

export function pythonExecutable(): string {
  return process.env.GDS_PYTHON ?? '/usr/bin/python3';
}

/**
 * The process count of a training step that reaches runPythonTrainer through code that does not pass one (the
 * recommender's trainer): the step sets it for its own process (a pipeline step child, or the `gds` command).
 */
export const TRAIN_PROCS_ENV = 'GDS_TRAIN_PROCS';

/** Scripts written for DistributedDataParallel (resources/python/ddp.py); the scikit-learn fits always run alone. */
const DISTRIBUTED_SCRIPTS = new Set(['train_classifier.py', 'train_recommender.py']);

export interface TrainerOptions {
  /** Processes for a DDP-capable script (default: GDS_TRAIN_PROCS, else 1). */
  procs?: number;
  /** Stops the trainer (SIGTERM: torchrun passes it on to its ranks); the promise then rejects with an AbortError. */
  signal?: AbortSignal;
}

function procsFor(script: string, o: TrainerOptions): number {
  if (!DISTRIBUTED_SCRIPTS.has(basename(script))) return 1;
  const n = o.procs ?? Number(process.env[TRAIN_PROCS_ENV] ?? '1');
  if (!Number.isInteger(n) || n < 1) throw new Error(`trainer process count must be an integer >= 1, got ${String(n)}`);
  return n;
}

/**
 * argv of a trainer: `python script ...` for one process, else torchrun with one node and N local processes, through
 * resources/python/torchrun.py (`python -m torch.distributed.run` plus a fix for Debian's PyTorch 1.13 on Python 3.11).
 * The static rendezvous on 127.0.0.1:`port` keeps everything on this machine (offline works); PyTorch 1.13's
 * `--standalone` (c10d) rendezvous loses its store connection at shutdown under load ("Broken pipe") and fails the run.
 * A 1 s monitor interval notices the workers' end sooner than the default 5 s.
 */
export function trainerArgv(script: string, args: string[], procs: number, port = 29500): string[] {
  if (procs <= 1) return [script, ...args];
  const torchrun = join(dirname(script), 'torchrun.py');
  return [torchrun, '--nnodes', '1', '--nproc_per_node', String(procs), '--master_addr', '127.0.0.1', '--master_port', String(port),
    '--monitor_interval', '1', script, ...args];
}

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port on 127.0.0.1'))));
    });
  });
}

/**
 * Ports held by this process's running torchruns. The kernel may hand a just-closed port out again, and two torchruns
 * on one port would mix their ranks into one group that never completes.
 */
const portsInUse = new Set<number>();

/** A free port for the rendezvous of one torchrun that no other running torchrun of this process holds. */
async function rendezvousPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort();
    if (!portsInUse.has(port)) {
      portsInUse.add(port);
      return port;
    }
  }
  throw new Error('no free rendezvous port on 127.0.0.1 that another torchrun of this process does not hold');
}

/** Resolves with every event; rejects with stderr's tail when Python fails. */
export async function runPythonTrainer(
  script: string, args: string[], onEvent: (e: TrainEvent) => void, python = pythonExecutable(), opts: TrainerOptions = {},
): Promise<TrainEvent[]> {
  const procs = procsFor(script, opts);
  const port = procs > 1 ? await rendezvousPort() : undefined;
  const argv = trainerArgv(script, args, procs, port);
  // One thread per process when several share the cores; torchrun would set OMP_NUM_THREADS=1 with a warning anyway.
  const env = procs > 1 ? { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1' } : process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(python, argv, { stdio: ['ignore', 'pipe', 'pipe'], env, signal: opts.signal });
    const events: TrainEvent[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let e: unknown;
      try {
        e = JSON.parse(line);
      } catch {
        return; // non-JSON lines are warnings from torch.onnx; they are not progress
      }
      if (!isEvent(e)) return;
      events.push(e);
      onEvent(e);
    });
    const release = (): void => {
      if (port !== undefined) portsInUse.delete(port);
    };
    child.on('error', (err) => {
      release();
      reject(err);
    });
    child.on('close', (code) => {
      release();
      if (code === 0) resolve(events);
      else reject(new Error(`trainer exited ${code}: ${stderr.trim()}`));
    });
  });
}
