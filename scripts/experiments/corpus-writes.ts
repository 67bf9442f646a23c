// What the corpus import's SQLite writes cost, apart from reading and parsing: a slice of the unpacked Kaggle crawl is
// prepared in memory first, then written into fresh databases under variants of the write path, alternating.
// node --import tsx scripts/experiments/corpus-writes.ts [datasets=20] [rounds=2]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { crawlDatasetDirs, parseKernelFileName, readCrawlSource } from '../../pipeline/corpus/importers/kaggle-crawl.ts';
import { walkNotebooks } from '../../pipeline/corpus/importers/notebook-cells.ts';
import { prepareFile } from '../../pipeline/corpus/importers/prepare.ts';
import { CorpusStore } from '../../pipeline/corpus/store.ts';
import type { NotebookInput, SourceInput } from '../../pipeline/corpus/types.ts';
import { ensureKaggleCorpus } from '../../pipeline/corpus-cache.ts';

const datasets = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 2);
const root = ensureKaggleCorpus();
const dirs = (crawlDatasetDirs(root) ?? []).slice(0, datasets);
const sources: SourceInput[] = [];
const notebooks: NotebookInput[] = [];
for (const dir of dirs) {
  const source = readCrawlSource(dir);
  sources.push(source);
  for (const file of walkNotebooks(join(dir, 'kernels'))) {
    const p = prepareFile(file);
    if (!p.ok) continue;
    const { score, author, slug } = parseKernelFileName(basename(file));
    notebooks.push({
      originKey: `kaggle-crawl:${source.slug}/${relative(join(dir, 'kernels'), file)}`, ref: author ? `${author}/${slug}` : slug,
      sourceSlug: source.slug, title: slug, author, score, language: p.language, originPath: file, cells: p.cells, apiCalls: p.apiCalls,
    });
  }
}
const cells = notebooks.reduce((n, nb) => n + nb.cells.length, 0);
console.log(`${dirs.length} datasets, ${notebooks.length} notebooks, ${cells} cells prepared`);

type Variant = (store: CorpusStore) => { after?: () => void };
// ImportSession defers the index (migration 2); the variants drive the writer directly to compare.
const VARIANTS: Record<string, Variant> = {
  'per-row trigger (before)': () => ({}),
  'deferred, one insert at the end (now)': (store) => {
    const id = store.deferFullText();
    return { after: () => store.indexDeferred(id) };
  },
  'deferred, wal_autocheckpoint 16000': (store) => {
    store.db.pragma('wal_autocheckpoint = 16000');
    const id = store.deferFullText();
    return { after: () => store.indexDeferred(id) };
  },
  'deferred, synchronous off': (store) => {
    store.db.pragma('synchronous = OFF');
    const id = store.deferFullText();
    return { after: () => store.indexDeferred(id) };
  },
  'no full-text index at all': (store) => (store.db.exec('DROP TRIGGER cells_ai'), {}),
};

const times: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, variant] of Object.entries(VARIANTS)) {
    const dir = mkdtempSync(join(tmpdir(), 'gds-writes-'));
    const store = CorpusStore.open(join(dir, 'c.sqlite'));
    const v = variant(store);
    const input = notebooks;
    const t = performance.now();
    for (const s of sources) store.transaction((w) => w.upsertSource(s));
    for (let i = 0; i < input.length; i += 250) {
      store.transaction((w) => {
        for (const nb of input.slice(i, i + 250)) w.insert(nb);
      });
    }
    v.after?.();
    const ms = performance.now() - t;
    (times[name] ??= []).push(ms);
    const size = statSync(join(dir, 'c.sqlite')).size + (statSync(join(dir, 'c.sqlite-wal'), { throwIfNoEntry: false })?.size ?? 0);
    console.log(`round ${r + 1} ${name.padEnd(34)} ${(ms / 1000).toFixed(2)} s (${(size / 1e6).toFixed(0)} MB)`);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
for (const [name, xs] of Object.entries(times)) console.log(`${name.padEnd(34)} ${xs.map((x) => (x / 1000).toFixed(2)).join(' / ')} s`);
