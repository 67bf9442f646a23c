// Reads, decodes and API-scans notebook files, in worker threads when possible, so SQLite writes on the main thread overlap with parsing.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { scanCell, type AliasMap } from '../api-scan.ts';
import type { CellInput } from '../types.ts';
import { parseForImport } from './notebook-cells.ts';

export type ApiCalls = Array<Array<[string, number]>>;
export type Prepared = { ok: true; cells: CellInput[]; language: string; apiCalls: ApiCalls } | { ok: false; error: string };

/** Per-cell resolved calls (empty lists for non-code cells), aliases accumulating in cell order. */
export function scanNotebook(cells: CellInput[]): ApiCalls {
  const aliases: AliasMap = new Map();
  return cells.map((c) => (c.type === 'code' ? [...scanCell(c.source, aliases)] : []));
}

export function prepareFile(path: string): Prepared {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { ok: false, error: `unreadable: ${(e as Error).message}` };
  }
  const parsed = parseForImport(bytes);
  if ('error' in parsed) return { ok: false, error: parsed.error };
  return { ok: true, cells: parsed.cells, language: parsed.language, apiCalls: scanNotebook(parsed.cells) };
}

/**
 * Workers need the TypeScript loader too and do not honour `--import tsx`, so a tiny bootstrap registers
 * tsx's API inside the worker before loading the worker module.
 */
function startWorker(): Worker {
  const entry = new URL('./prepare-worker.ts', import.meta.url).href;
  const api = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
}

/** Running totals of where files were prepared (tests check that workers really ran). */
export const prepareStats = { inWorkers: 0, inProcess: 0 };

/**
 * Yields `prepareFile(path)` for every path, in input order (dedupe keeps the first copy, so order matters),
 * with up to `window` files in flight across the workers. Falls back to the main thread if workers fail.
 */
export async function* prepareFiles(paths: string[], workers = defaultWorkers(), window = 64): AsyncGenerator<[string, Prepared]> {
  if (workers <= 0 || paths.length < 50) {
    for (const p of paths) {
      prepareStats.inProcess++;
      yield [p, prepareFile(p)];
    }
    return;
  }
  const pool: Worker[] = [];
  const waiting = new Map<number, (r: Prepared) => void>();
  let broken = false;
  try {
    for (let i = 0; i < workers && !broken; i++) {
      let w: Worker;
      try {
        w = startWorker();
      } catch {
        broken = true; // no tsx to load TypeScript in a worker (e.g. a bundled build): stay on this thread
        break;
      }
      w.on('message', (m: { id: number; result: Prepared }) => {
        prepareStats.inWorkers++;
        waiting.get(m.id)?.(m.result);
        waiting.delete(m.id);
      });
      // A worker that errors or exits early: what it still owed is redone here; order holds because results are promises.
      const fail = (): void => {
        broken = true;
        for (const [id, resolve] of waiting) {
          if (id % workers !== i) continue;
          waiting.delete(id);
          prepareStats.inProcess++;
          resolve(prepareFile(paths[id] as string));
        }
      };
      w.on('error', fail);
      w.on('exit', fail);
      pool.push(w);
    }
    const results: Array<Promise<Prepared>> = [];
    const submit = (id: number): void => {
      const path = paths[id] as string;
      results[id] = broken
        ? Promise.resolve((prepareStats.inProcess++, prepareFile(path)))
        : new Promise((resolve) => {
            waiting.set(id, resolve);
            pool[id % workers]?.postMessage({ id, path });
          });
    };
    let next = 0;
    for (; next < Math.min(window, paths.length); next++) submit(next);
    for (let i = 0; i < paths.length; i++) {
      const r = await (results[i] as Promise<Prepared>);
      delete results[i];
      if (next < paths.length) submit(next++);
      yield [paths[i] as string, r];
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/**
 * One worker per spare core, at least two, at most three. On 2 cores two workers beat one although the main thread
 * is busy with SQLite: the whole crawl imported in 67.2 s against 81.9 s (bench:corpus, same minute, docs/BENCHMARKS.md).
 */
export function defaultWorkers(): number {
  if (process.env.GDS_IMPORT_WORKERS !== undefined) return Math.max(0, Number(process.env.GDS_IMPORT_WORKERS) || 0);
  return Math.min(3, Math.max(2, availableParallelism() - 1));
}
