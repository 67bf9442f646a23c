// The Kaggle crawler: finds competitions/datasets with enough kernels, pulls their notebooks into the crawler layout and the corpus.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseForImport } from '../corpus/importers/notebook-cells.ts';
import type { CorpusStore } from '../corpus/store.ts';
import { listCompetitions, listDatasets, listKernels, pullKernel, type KaggleSource } from './api.ts';
import { KaggleApiError, type KaggleClient } from './client.ts';
import { CrawlState } from './crawl-state.ts';

export interface CrawlOptions {
  client: KaggleClient;
  /** Root of the crawler layout (`<outDir>/datasets/<folder>/kernels/...`). */
  outDir: string;
  store?: CorpusStore;
  statePath?: string;
  /** Search words; '' lists without a search. */
  search?: string[];
  kinds?: Array<KaggleSource['kind']>;
  minKernels?: number;
  maxSources?: number;
  maxKernelsPerSource?: number;
  /** List pages per search word and kind. */
  maxPages?: number;
  /** Checked between items: the crawl stops cleanly after the current one (Ctrl-C). */
  shouldStop?: () => boolean;
  log?: (line: string) => void;
}

export interface CrawlSummary {
  sources: number;
  pulled: number;
  already_done: number;
  failed: number;
  retried: number;
  stopped: boolean;
  stop_reason: string | null;
  failures: Array<{ ref: string; kind: string; reason: string }>;
  state_file: string;
}

/** Folder of a source in the crawler layout; dataset refs carry an owner, which a folder name cannot hold as `/`. */
export function sourceFolder(ref: string): string {
  return ref.replace(/\//g, '__');
}

async function discover(o: CrawlOptions): Promise<KaggleSource[]> {
  const found = new Map<string, KaggleSource>();
  const min = o.minKernels ?? 20;
  for (const kind of o.kinds ?? ['competition', 'dataset']) {
    for (const word of o.search?.length ? o.search : ['']) {
      for (let page = 1; page <= (o.maxPages ?? 5); page++) {
        const list = kind === 'competition' ? await listCompetitions(o.client, word, page) : await listDatasets(o.client, word, page);
        if (list.length === 0) break;
        for (const s of list) if (s.ref && s.kernelCount >= min && !found.has(s.ref)) found.set(s.ref, s);
        if (o.shouldStop?.()) return [...found.values()];
      }
    }
  }
  return [...found.values()].slice(0, o.maxSources ?? Infinity);
}

async function listAll(o: CrawlOptions, source: KaggleSource): Promise<string[]> {
  const refs: string[] = [];
  const max = o.maxKernelsPerSource ?? Infinity;
  // Kaggle caps a listing near 1,000 results; stop at an empty page, a repeated page or the cap.
  for (let page = 1; refs.length < max && page <= 50; page++) {
    const kernels = await listKernels(o.client, source, page);
    const fresh = kernels.map((k) => k.ref).filter((r) => !refs.includes(r));
    if (fresh.length === 0) break;
    refs.push(...fresh);
  }
  return refs.slice(0, max);
}

export async function crawlKaggle(o: CrawlOptions): Promise<CrawlSummary> {
  const state = new CrawlState(o.statePath ?? join(o.outDir, 'crawl-state.jsonl'));
  const summary: CrawlSummary = {
    sources: 0,
    pulled: 0,
    already_done: 0,
    failed: 0,
    retried: 0,
    stopped: false,
    stop_reason: null,
    failures: [],
    state_file: state.path,
  };
  const log = o.log ?? (() => undefined);
  const stop = (reason: string): CrawlSummary => {
    summary.stopped = true;
    summary.stop_reason = reason;
    summary.failures = state.failures();
    summary.failed = summary.failures.length;
    return summary;
  };
  let sources: KaggleSource[];
  try {
    sources = await discover(o);
  } catch (e) {
    if (e instanceof KaggleApiError && e.kind === 'auth')
      throw new Error(`Kaggle rejected the credentials (401): check ~/.kaggle/kaggle.json or KAGGLE_USERNAME/KAGGLE_KEY`);
    throw e;
  }
  log(`${sources.length} sources with at least ${o.minKernels ?? 20} kernels`);
  for (const source of sources) {
    if (o.shouldStop?.()) return stop('interrupted');
    summary.sources++;
    const dir = join(o.outDir, 'datasets', sourceFolder(source.ref));
    mkdirSync(join(dir, 'kernels'), { recursive: true });
    const meta = {
      slug: source.ref,
      kind: source.kind,
      title: source.title,
      desc: source.description,
      eval: source.evaluation,
      tags: source.tags,
      url: source.url,
      kernelCount: source.kernelCount,
    };
    writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
    o.store?.writer.upsertSource({
      kind: source.kind,
      slug: source.ref,
      title: source.title,
      tags: source.tags,
      description: source.description,
      evaluation: source.evaluation,
      url: source.url,
      kernelCount: source.kernelCount,
    });
    let refs = state.listed.get(source.ref);
    if (!refs) {
      try {
        refs = await listAll(o, source);
      } catch (e) {
        if (e instanceof KaggleApiError && (e.kind === 'auth' || e.kind === 'rate_limited')) return stop(`${e.kind}: ${e.message}`);
        log(`listing ${source.ref} failed: ${(e as Error).message}`);
        continue; // not recorded as listed, so the next run lists it again
      }
      state.record({ type: 'listed', source: source.ref, refs, at: new Date().toISOString() });
    }
    for (const ref of refs) {
      if (o.shouldStop?.()) return stop('interrupted');
      if (state.isDone(ref)) {
        summary.already_done++;
        continue;
      }
      if (state.kernels.get(ref)?.status === 'failed') summary.retried++;
      const at = new Date().toISOString();
      try {
        const k = await pullKernel(o.client, ref);
        if (k.kernelType && k.kernelType !== 'notebook') throw new KaggleApiError('bad_payload', 200, `${ref} is a ${k.kernelType}, not a notebook`);
        const parsed = parseForImport(Buffer.from(k.source, 'utf8'));
        const [owner, slug] = ref.split('/') as [string, string];
        const file = `NULL---${owner}---${slug}.ipynb`;
        if ('error' in parsed) {
          writeFileSync(join(dir, 'kernels', `${file}.raw.txt`), k.source); // kept for inspection, not importable
          throw new KaggleApiError('bad_payload', 200, `unparsable notebook source: ${parsed.error}`);
        }
        writeFileSync(join(dir, 'kernels', file), k.source);
        writeFileSync(join(dir, 'kernels', `${file.replace(/\.ipynb$/, '')}.kernel-metadata.json`), `${JSON.stringify(k.meta.raw, null, 1)}\n`);
        o.store?.transaction((w) =>
          w.insert({
            originKey: `kaggle-crawl:${source.ref}/${file}`,
            ref,
            sourceSlug: source.ref,
            title: k.meta.title || slug,
            author: owner,
            votes: k.meta.totalVotes,
            language: k.language || parsed.language,
            originPath: join(dir, 'kernels', file),
            cells: parsed.cells,
          }),
        );
        state.record({ type: 'done', ref, source: source.ref, file, at });
        summary.pulled++;
        log(`pulled ${ref}`);
      } catch (e) {
        const kind = e instanceof KaggleApiError ? e.kind : 'error';
        state.record({ type: 'failed', ref, source: source.ref, kind, reason: (e as Error).message, at });
        if (kind === 'auth' || kind === 'rate_limited') return stop(`${kind}: ${(e as Error).message}`);
        log(`failed ${ref}: ${(e as Error).message}`);
      }
    }
  }
  summary.failures = state.failures();
  summary.failed = summary.failures.length;
  return summary;
}
