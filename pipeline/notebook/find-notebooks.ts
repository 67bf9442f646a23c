// Walks a folder for notebooks: every corpus reader (training, evaluation, corpus lint) lists files the same way.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every .ipynb under `dir`, in a stable order. */
export function findNotebooks(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findNotebooks(p, out);
    else if (name.endsWith('.ipynb')) out.push(p);
  }
  return out;
}
