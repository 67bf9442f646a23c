// `gds import PATH...`: recognises each path's layout and runs the matching importer in one session.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CorpusStore } from '../store.ts';
import { importJsonLines, isJsonLines } from './github-jsonl.ts';
import { importNotebookFile, importNotebookFolder, importNotebookZip } from './ipynb-files.ts';
import { crawlDatasetDirs, importKaggleCrawl } from './kaggle-crawl.ts';
import { importMetaKaggle, isMetaKaggleCodeDir, isMetaKaggleCsvDir, siblingCodeDir } from './meta-kaggle.ts';
import { ImportSession, type ImportOptions, type ImportSummary } from './session.ts';

export type { ImportOptions, ImportProgress, ImportSummary, BadFile } from './session.ts';

export type PathKind = 'kaggle-crawl' | 'notebook-folder' | 'notebook-zip' | 'notebook-file' | 'jsonl' | 'meta-kaggle-csv' | 'meta-kaggle-code';

export function classifyPath(path: string): PathKind {
  if (!existsSync(path)) throw new Error(`no such file or folder: ${path}`);
  const st = statSync(path);
  if (st.isFile()) {
    const lower = path.toLowerCase();
    if (lower.endsWith('.zip')) return 'notebook-zip';
    if (isJsonLines(lower)) return 'jsonl';
    if (lower.endsWith('.ipynb')) return 'notebook-file';
    throw new Error(`cannot import ${path}: expected a folder, .zip, .ipynb, .jsonl or .jsonl.gz`);
  }
  if (isMetaKaggleCsvDir(path)) return 'meta-kaggle-csv';
  if (isMetaKaggleCodeDir(path)) return 'meta-kaggle-code';
  if (crawlDatasetDirs(path)) return 'kaggle-crawl';
  return 'notebook-folder';
}

/** Imports every path into `store`; unreadable notebooks are counted and named in the summary, never fatal. */
export async function importPaths(store: CorpusStore, paths: string[], opts: ImportOptions = {}): Promise<ImportSummary> {
  const plan = paths.map((p) => ({ path: resolve(p), kind: classifyPath(resolve(p)) }));
  const csvDirs = plan.filter((p) => p.kind === 'meta-kaggle-csv').map((p) => p.path);
  const codeDirs = plan.filter((p) => p.kind === 'meta-kaggle-code').map((p) => p.path);
  if (csvDirs.length > 1) throw new Error('give at most one Meta Kaggle CSV folder per import');
  for (const dir of csvDirs) {
    const sibling = siblingCodeDir(dir);
    if (sibling) codeDirs.push(sibling);
  }
  if (csvDirs.length && !codeDirs.length) {
    throw new Error('Meta Kaggle CSVs need a Meta Kaggle Code folder too: gds import META_KAGGLE_DIR META_KAGGLE_CODE_DIR');
  }
  const session = new ImportSession(store, opts);
  try {
    for (const { path, kind } of plan) {
      if (kind === 'kaggle-crawl') await importKaggleCrawl(crawlDatasetDirs(path) ?? [], session);
      else if (kind === 'notebook-folder') await importNotebookFolder(path, session);
      else if (kind === 'notebook-file') importNotebookFile(path, session);
      else if (kind === 'notebook-zip') await importNotebookZip(path, session);
      else if (kind === 'jsonl') await importJsonLines(path, session);
    }
    if (codeDirs.length) await importMetaKaggle(csvDirs[0] ?? null, codeDirs, session);
  } finally {
    session.finish(); // what was written before a failure is still found by search
  }
  return session.summary();
}
