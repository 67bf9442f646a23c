// Runs one child command of a step in its own process group, appends its output to the step log, stops it on cancel.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { StepCommand } from './types.ts';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines of output, to explain a failure in one place. */
  tail: string[];
}

export interface RunningChild {
  pid: number;
  done: Promise<ChildResult>;
  /** SIGTERM to the whole group (trainers start Python grandchildren), SIGKILL after `graceMs` if still there. */
  stop(graceMs?: number): void;
}

/** Signals the process group of `pid`; falls back to the pid alone where groups do not exist. */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

export function openLog(path: string): WriteStream {
  mkdirSync(dirname(path), { recursive: true });
  return createWriteStream(path, { flags: 'a' });
}

export function startChild(
  cmd: StepCommand,
  opts: { cwd: string; log: WriteStream; onLine: (line: string, stream: 'stdout' | 'stderr') => void },
): RunningChild {
  opts.log.write(`$ ${[cmd.command, ...cmd.args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  // detached: the child leads a new process group, so cancel reaches the Python trainer it spawns as well.
  const child: ChildProcess = spawn(cmd.command, cmd.args, {
    cwd: opts.cwd,
    env: { ...process.env, ...cmd.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const tail: string[] = [];
  const pump = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr'): Promise<void> => {
    if (!stream) return Promise.resolve();
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', (line) => {
      opts.log.write(name === 'stderr' ? `! ${line}\n` : `${line}\n`);
      tail.push(line);
      if (tail.length > 20) tail.shift();
      opts.onLine(line, name);
    });
    return new Promise((resolve) => rl.on('close', () => resolve()));
  };
  const streams = Promise.all([pump(child.stdout, 'stdout'), pump(child.stderr, 'stderr')]);
  let killTimer: NodeJS.Timeout | undefined;
  const done = new Promise<ChildResult>((resolve) => {
    let spawnError: Error | null = null;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      void streams.then(() => {
        if (spawnError) tail.push(`could not start ${cmd.command}: ${spawnError.message}`);
        opts.log.write(`# exit ${code ?? 'null'}${signal ? ` (${signal})` : ''}\n`);
        resolve({ code: spawnError ? 127 : code, signal, tail });
      });
    });
  });
  return {
    pid: child.pid ?? 0,
    done,
    stop(graceMs = 5000) {
      if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        if (child.pid) killGroup(child.pid, 'SIGKILL');
      }, graceMs);
      killTimer.unref();
    },
  };
}
