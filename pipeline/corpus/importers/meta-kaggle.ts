// Imports "Meta Kaggle Code" files (<4 digits>/<3 digits>/<KernelVersionId>.ipynb), enriched by joins over "Meta Kaggle" CSVs.
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse';
import type { CellInput, NotebookInput, SourceInput } from '../types.ts';
import { parseForImport } from './notebook-cells.ts';
import type { ImportSession } from './session.ts';

type Row = Record<string, string>;

export function isMetaKaggleCsvDir(path: string): boolean {
  return statSync(path).isDirectory() && tableFile(path, 'Kernels') !== null && tableFile(path, 'KernelVersions') !== null;
}

/** Code folders start with zero-padded million blocks: `0000/`, `0111/`. */
export function isMetaKaggleCodeDir(path: string): boolean {
  if (!statSync(path).isDirectory()) return false;
  return readdirSync(path, { withFileTypes: true }).some((e) => e.isDirectory() && /^\d{4}$/.test(e.name));
}

/** Table files are looked up case-insensitively: dumps and mirrors disagree on case. */
function tableFile(dir: string, table: string): string | null {
  const want = `${table.toLowerCase()}.csv`;
  const hit = readdirSync(dir).find((f) => f.toLowerCase() === want);
  return hit ? join(dir, hit) : null;
}

/** Streams one table, keeping the rows `keep` accepts; a missing table reads as empty (Meta Kaggle drops tables for privacy). */
async function readTable(dir: string | null, table: string, keep: (r: Row) => boolean): Promise<Row[]> {
  const file = dir ? tableFile(dir, table) : null;
  if (!file) return [];
  const out: Row[] = [];
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true }));
  for await (const rec of parser as AsyncIterable<Row>) if (keep(rec)) out.push(rec);
  return out;
}

function findCodeFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (d: string, depth: number): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && depth < 3) visit(p, depth + 1);
      else if (e.isFile()) {
        const m = /^(\d+)\.(ipynb|py)$/i.exec(e.name);
        if (m?.[1]) files.set(m[1], p);
      }
    }
  };
  visit(dir, 0);
  return files;
}

const num = (v: string | undefined): number | null => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

/** KernelLanguages names vary ('IPython Notebook HTML', 'Python'); anything Python-flavoured is 'python'. */
function languageName(lang: Row | undefined): string | null {
  const name = (lang?.DisplayName || lang?.Name || '').toLowerCase();
  if (!name) return null;
  return name.includes('python') ? 'python' : name;
}

function cellsFor(path: string, bytes: Buffer): { cells: CellInput[]; language: string } | { error: string } {
  if (path.toLowerCase().endsWith('.py')) return { cells: [{ type: 'code', source: bytes.toString('utf8') }], language: 'python' };
  return parseForImport(bytes);
}

export async function importMetaKaggle(csvDir: string | null, codeDirs: string[], session: ImportSession): Promise<void> {
  const files = new Map<string, string>();
  for (const d of codeDirs) for (const [id, p] of findCodeFiles(resolve(d))) files.set(id, p);
  session.expect(files.size);

  const versions = new Map((await readTable(csvDir, 'KernelVersions', (r) => files.has(r.Id ?? ''))).map((r) => [r.Id as string, r]));
  const scriptIds = new Set([...versions.values()].map((v) => v.ScriptId ?? ''));
  const kernels = new Map((await readTable(csvDir, 'Kernels', (r) => scriptIds.has(r.Id ?? ''))).map((r) => [r.Id as string, r]));
  const languages = new Map((await readTable(csvDir, 'KernelLanguages', () => true)).map((r) => [r.Id as string, r]));

  const compSources = await readTable(csvDir, 'KernelVersionCompetitionSources', (r) => files.has(r.KernelVersionId ?? ''));
  const dataSources = await readTable(csvDir, 'KernelVersionDatasetSources', (r) => files.has(r.KernelVersionId ?? ''));
  const compIds = new Set(compSources.map((r) => r.SourceCompetitionId ?? ''));
  const dsVersionIds = new Set(dataSources.map((r) => r.SourceDatasetVersionId ?? ''));
  const competitions = new Map((await readTable(csvDir, 'Competitions', (r) => compIds.has(r.Id ?? ''))).map((r) => [r.Id as string, r]));
  const dsVersions = new Map((await readTable(csvDir, 'DatasetVersions', (r) => dsVersionIds.has(r.Id ?? ''))).map((r) => [r.Id as string, r]));
  const datasetIds = new Set([...dsVersions.values()].map((r) => r.DatasetId ?? ''));
  const datasets = new Map((await readTable(csvDir, 'Datasets', (r) => datasetIds.has(r.Id ?? ''))).map((r) => [r.Id as string, r]));
  const userIds = new Set([...kernels.values()].map((k) => k.AuthorUserId ?? ''));
  for (const d of datasets.values()) userIds.add(d.OwnerUserId ?? '');
  const users = new Map((await readTable(csvDir, 'Users', (r) => userIds.has(r.Id ?? ''))).map((r) => [r.Id as string, r]));
  const orgIds = new Set([...datasets.values()].map((d) => d.OwnerOrganizationId ?? ''));
  const orgs = new Map((await readTable(csvDir, 'Organizations', (r) => orgIds.has(r.Id ?? ''))).map((r) => [r.Id as string, r]));
  const tagNames = new Map((await readTable(csvDir, 'Tags', () => true)).map((r) => [r.Id as string, r.Name ?? '']));
  const tagsOf = async (table: string, key: string, ids: Set<string>): Promise<Map<string, string[]>> => {
    const m = new Map<string, string[]>();
    for (const r of await readTable(csvDir, table, (row) => ids.has(row[key] ?? ''))) {
      const name = tagNames.get(r.TagId ?? '');
      if (name) m.set(r[key] as string, [...(m.get(r[key] as string) ?? []), name]);
    }
    return m;
  };
  const compTags = await tagsOf('CompetitionTags', 'CompetitionId', compIds);
  const dataTags = await tagsOf('DatasetTags', 'DatasetId', datasetIds);

  // One source per kernel version: its competition if any (the usual Kaggle notion), else its first dataset.
  const sourceOf = new Map<string, SourceInput>();
  for (const r of compSources) {
    const c = competitions.get(r.SourceCompetitionId ?? '');
    if (!c?.Slug || sourceOf.has(r.KernelVersionId ?? '')) continue;
    sourceOf.set(r.KernelVersionId as string, {
      kind: 'competition',
      slug: c.Slug,
      title: c.Title ?? null,
      description: c.Subtitle ?? null,
      evaluation: [c.EvaluationAlgorithmName, c.EvaluationAlgorithmDescription].filter(Boolean).join(': ') || null,
      tags: compTags.get(c.Id as string) ?? [],
      url: `https://www.kaggle.com/competitions/${c.Slug}`,
    });
  }
  for (const r of dataSources) {
    const v = dsVersions.get(r.SourceDatasetVersionId ?? '');
    const d = v ? datasets.get(v.DatasetId ?? '') : undefined;
    if (!v?.Slug || sourceOf.has(r.KernelVersionId ?? '')) continue;
    const owner = users.get(d?.OwnerUserId ?? '')?.UserName ?? orgs.get(d?.OwnerOrganizationId ?? '')?.Slug;
    const slug = owner ? `${owner}/${v.Slug}` : v.Slug;
    sourceOf.set(r.KernelVersionId as string, {
      kind: 'dataset',
      slug,
      title: v.Title ?? null,
      description: v.Description || v.Subtitle || null,
      tags: dataTags.get(v.DatasetId ?? '') ?? [],
      kernelCount: num(d?.TotalKernels),
      url: `https://www.kaggle.com/datasets/${slug}`,
    });
  }

  const added = new Set<string>();
  for (const [id, path] of [...files].sort((a, b) => Number(a[0]) - Number(b[0]))) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      session.addBad(path, `unreadable: ${(e as Error).message}`);
      continue;
    }
    const parsed = cellsFor(path, bytes);
    if ('error' in parsed) {
      session.addBad(path, parsed.error);
      continue;
    }
    // Files whose id is missing from the CSVs are still imported, under their version id.
    const v = versions.get(id);
    const k = kernels.get(v?.ScriptId ?? '');
    const u = users.get(k?.AuthorUserId ?? '');
    const lang = languages.get(v?.ScriptLanguageId ?? '');
    const source = sourceOf.get(id);
    if (source && !added.has(source.slug)) {
      session.addSource(source);
      added.add(source.slug);
    }
    const nb: NotebookInput = {
      originKey: `meta-kaggle-code:${id}`,
      ref: u?.UserName && k?.CurrentUrlSlug ? `${u.UserName}/${k.CurrentUrlSlug}` : `kernel-version/${id}`,
      sourceSlug: source?.slug ?? null,
      title: v?.Title || null,
      author: u?.DisplayName || u?.UserName || null,
      votes: num(k?.TotalVotes),
      language: languageName(lang) ?? parsed.language,
      originPath: path,
      cells: parsed.cells,
    };
    session.add(nb);
  }
}

/** The Meta Kaggle Code folder inside a Meta Kaggle CSV folder, if the user keeps them together. */
export function siblingCodeDir(csvDir: string): string | null {
  for (const name of ['meta-kaggle-code', 'MetaKaggleCode', 'code']) {
    const p = join(csvDir, name);
    if (existsSync(p) && isMetaKaggleCodeDir(p)) return p;
  }
  return null;
}
