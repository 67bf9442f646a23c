// Locates the shared corpora and unpacks the Kaggle crawl once into a cache folder outside the repo.
import { existsSync, mkdirSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

const repoRoot = resolve(new URL('..', import.meta.url).pathname);

/** `../shared` beside the checkout, or GDS_SHARED when set (CI clones keep shared/ beside them). */
export function sharedDir(): string {
  return process.env.GDS_SHARED ?? resolve(repoRoot, '..', 'shared');
}

export function cacheDir(): string {
  return process.env.GDS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gds');
}

export function goldPath(): string {
  return join(sharedDir(), 'corpus', 'gold', 'report-dev.jsonl');
}

export function githubShards(): string[] {
  const dir = join(sharedDir(), 'corpus', 'github');
  return ['notebooks-000.jsonl.gz', 'notebooks-001.jsonl.gz'].map((f) => join(dir, f)).filter((f) => existsSync(f));
}

/**
 * Returns the folder holding `kaggle/datasets/...`, unpacking `kaggle.tar.gz` on first use.
 * Unpacks into a temp folder and renames, so a killed run never leaves a half corpus behind.
 */
export function ensureKaggleCorpus(): string {
  const target = join(cacheDir(), 'corpus');
  if (existsSync(join(target, '.complete'))) return join(target, 'kaggle');
  const archive = join(sharedDir(), 'corpus', 'kaggle.tar.gz');
  if (!existsSync(archive)) throw new Error(`Kaggle corpus not found at ${archive} (set GDS_SHARED to the shared folder)`);
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  execFileSync('tar', ['xzf', archive, '-C', tmp]);
  writeFileSync(join(tmp, '.complete'), new Date().toISOString());
  if (existsSync(join(target, '.complete'))) {
    rmSync(tmp, { recursive: true, force: true }); // another process won the race
  } else {
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
  }
  return join(target, 'kaggle');
}
