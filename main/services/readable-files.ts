// The files a notebook can read, relative to its folder (two levels down, and a Kaggle-style ../input): chips name only these.
import { readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

const MAX_FILES = 2000;
const DATA_FILE = /\.(csv|tsv|json|txt|xlsx?|parquet|zip|gz|feather|pkl|pickle|h5|hdf5?|npy|npz|jpg|png)$/i;
const cache = new Map<string, { at: number; files: string[] }>();
const FRESH_MS = 10_000;

async function walk(root: string, dir: string, depth: number, out: string[]): Promise<void> {
  if (out.length >= MAX_FILES) return;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (out.length >= MAX_FILES || e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory() && depth > 0) await walk(root, p, depth - 1, out);
    else if (e.isFile() && DATA_FILE.test(e.name)) out.push(relative(root, p));
  }
}

/** Data files near the notebook at `notebookPath`, as paths the notebook would write (cached for a few seconds). */
export async function readableFiles(notebookPath: string): Promise<string[]> {
  const root = dirname(notebookPath);
  const hit = cache.get(root);
  if (hit && Date.now() - hit.at < FRESH_MS) return hit.files;
  const files: string[] = [];
  await walk(root, root, 2, files);
  await walk(root, join(root, '..', 'input'), 2, files);
  cache.set(root, { at: Date.now(), files });
  return files;
}
