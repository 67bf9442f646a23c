// Runs a training script of resources/python (classifier LSTM, recommender, stacker, reranker) and relays its JSON-lines progress.
import { spawn } from 'node:child_process';
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

/** Resolves with every event; rejects with stderr's tail when Python fails. */
export function runPythonTrainer(script: string, args: string[], onEvent: (e: TrainEvent) => void, python = pythonExecutable()): Promise<TrainEvent[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(events) : reject(new Error(`trainer exited ${code}: ${stderr.trim()}`))));
  });
}
