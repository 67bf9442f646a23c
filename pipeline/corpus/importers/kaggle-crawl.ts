// Imports the original crawler's layout: datasets/<slug>/{meta.json | *.txt} and kernels/<score>---<author>---<slug>.ipynb.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { SourceInput } from '../types.ts';
import { walkNotebooks } from './notebook-cells.ts';
import { prepareFiles } from './prepare.ts';
import type { ImportSession } from './session.ts';

/** The folders holding one dataset each, or null when `path` is not in the crawler layout. */
export function crawlDatasetDirs(path: string): string[] | null {
  if (!statSync(path).isDirectory()) return null;
  if (existsSync(join(path, 'kernels'))) return [path];
  const root = existsSync(join(path, 'datasets')) ? join(path, 'datasets') : path;
  const dirs = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'kernels')))
    .map((e) => join(root, e.name))
    .sort();
  return dirs.length ? dirs : null;
}

/** `"['chemistry', 'semiconductors']"` (the crawler wrote Python reprs) or a JSON list or one tag per line. */
export function parseTags(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String).filter(Boolean);
  if (typeof raw !== 'string' || !raw.trim()) return [];
  const quoted = [...raw.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? m[2] ?? '').trim());
  if (quoted.length) return quoted.filter(Boolean);
  return raw.split(/[\n,]/).map((t) => t.trim()).filter(Boolean);
}

function readText(dir: string, name: string): string | undefined {
  const p = join(dir, name);
  return existsSync(p) ? readFileSync(p, 'utf8').trim() : undefined;
}

export function readCrawlSource(dir: string): SourceInput {
  let meta: Record<string, unknown> = {};
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath)) {
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown>;
    } catch {
      meta = {}; // fall back to the .txt files below
    }
  }
  const str = (key: string, file: string): string | null => {
    const v = meta[key];
    return (typeof v === 'string' && v.trim() ? v.trim() : readText(dir, file)) || null;
  };
  const evaluation = str('eval', 'eval.txt');
  return {
    // Only competitions have evaluation text; the old crawler left it empty for datasets and wrote no kind.
    kind: meta.kind === 'competition' || meta.kind === 'dataset' ? meta.kind : evaluation ? 'competition' : 'dataset',
    slug: typeof meta.slug === 'string' && meta.slug ? meta.slug : basename(dir),
    title: typeof meta.title === 'string' ? meta.title : null,
    tags: parseTags(meta.tags ?? readText(dir, 'tags.txt')),
    description: str('desc', 'desc.txt'),
    evaluation,
    overview: str('over', 'over.txt'),
  };
}

/** `0.141---inversion---basic-feature-benchmark.ipynb` → score, author, kernel slug; odd names keep only a slug. */
export function parseKernelFileName(name: string): { score: number | null; author: string | null; slug: string } {
  const stem = name.replace(/\.ipynb$/i, '');
  const parts = stem.split('---');
  if (parts.length >= 3) {
    const score = Number(parts[0]);
    return { score: parts[0] !== '' && Number.isFinite(score) ? score : null, author: parts[1] || null, slug: parts.slice(2).join('---') };
  }
  return { score: null, author: null, slug: stem };
}

export async function importKaggleCrawl(dirs: string[], session: ImportSession): Promise<void> {
  const sources = dirs.map((dir) => ({ dir, source: readCrawlSource(dir) }));
  for (const { source } of sources) session.addSource(source);
  // One flat list, so one worker pool serves the whole crawl (starting workers per dataset cost more than they saved).
  const owner = new Map<string, { dir: string; slug: string }>();
  for (const { dir, source } of sources) for (const f of walkNotebooks(join(dir, 'kernels'))) owner.set(f, { dir, slug: source.slug });
  session.expect(owner.size);
  for await (const [file, parsed] of prepareFiles([...owner.keys()])) {
    if (!parsed.ok) {
      session.addBad(file, parsed.error);
      continue;
    }
    const { dir, slug: sourceSlug } = owner.get(file) as { dir: string; slug: string };
    const { score, author, slug } = parseKernelFileName(basename(file));
    session.add({
      originKey: `kaggle-crawl:${sourceSlug}/${relative(join(dir, 'kernels'), file)}`,
      ref: author ? `${author}/${slug}` : `${sourceSlug}/${slug}`,
      sourceSlug,
      title: slug,
      author,
      score,
      language: parsed.language,
      originPath: file,
      cells: parsed.cells,
      apiCalls: parsed.apiCalls,
    });
  }
}
