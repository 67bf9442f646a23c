// Benchmark: imports the whole unpacked Kaggle crawl into a fresh corpus, then times 100 varied searches (p50/p95).
// Run: node --import tsx scripts/bench-corpus.ts [--db FILE] [--keep]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKaggleCorpus } from '../pipeline/corpus-cache.ts';
import { importPaths } from '../pipeline/corpus/importers/index.ts';
import { CorpusStore } from '../pipeline/corpus/store.ts';
import type { SearchQuery } from '../pipeline/corpus/types.ts';

const args = process.argv.slice(2);
const dbArg = args.indexOf('--db') >= 0 ? args[args.indexOf('--db') + 1] : undefined;
const tmp = dbArg ? null : mkdtempSync(join(tmpdir(), 'gds-bench-corpus-'));
const db = dbArg ?? join(tmp as string, 'corpus.sqlite');

const WORDS = [
  'read_csv',
  'xgboost',
  'lightgbm',
  'train_test_split',
  'groupby',
  'merge',
  'heatmap',
  'accuracy',
  'feature importance',
  'missing values',
  'fillna',
  'one hot',
  'cross validation',
  'learning rate',
  'confusion matrix',
  'tfidf',
  'embedding',
  'LSTM',
  'random forest',
  'submission',
  'plot',
  'correlation',
  'outliers',
  'log transform',
  'dropna',
  'kfold',
  'roc auc',
  'stack*',
  'pivot',
  'Conv2D',
];
const APIS = [
  'pandas.read_csv',
  'xgboost.train',
  'lightgbm.train',
  'sklearn.model_selection.train_test_split',
  'seaborn.heatmap',
  'matplotlib.pyplot.show',
  'numpy.log1p',
  'sklearn.metrics.roc_auc_score',
  'pandas.get_dummies',
  'xgboost',
  'keras.layers.Dense',
  'sklearn.ensemble.RandomForestClassifier',
  'pandas.concat',
  'numpy.mean',
  'gc.collect',
];

function queries(sources: string[]): SearchQuery[] {
  const out: SearchQuery[] = [];
  for (let i = 0; out.length < 100; i++) {
    const word = WORDS[i % WORDS.length] as string;
    const api = APIS[i % APIS.length] as string;
    const source = sources[(i * 7) % Math.max(sources.length, 1)];
    const kind = i % 5;
    if (kind === 0 || kind === 1) out.push({ query: word, limit: 20 });
    else if (kind === 2) out.push({ api, limit: 20 });
    else if (kind === 3) out.push({ query: word, source, limit: 20 });
    else out.push({ query: word.split(' ')[0], api: api.split('.')[0], limit: 20, offset: 20 });
  }
  return out;
}

const pct = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;

const corpus = ensureKaggleCorpus();
const store = CorpusStore.open(db);
const cpu0 = process.cpuUsage();
let last = 0;
const s = await importPaths(store, [corpus], {
  onProgress: (p) => {
    if (p.done - last >= 2000 || p.done === p.total) {
      last = p.done;
      process.stderr.write(`  ${p.done}/${p.total ?? '?'}\n`);
    }
  },
});
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const sources = store.listSources().map((x) => x.slug);
const qs = queries(sources);
for (const q of qs.slice(0, 10)) store.search(q); // warm the page cache and statement cache
const times: number[] = [];
let hits = 0;
for (const q of qs) {
  const t0 = performance.now();
  hits += store.search(q).length;
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const stats = store.stats();
store.close();
if (tmp && !args.includes('--keep')) rmSync(tmp, { recursive: true, force: true });

console.log(`corpus: ${corpus}`);
console.log(`notebooks imported: ${s.notebooks} (duplicates ${s.duplicates}), code cells ${s.code_cells}, markdown cells ${s.markdown_cells}`);
console.log(`bad files: ${s.bad_files} (${s.bad.filter((b) => b.reason.startsWith('empty')).length} empty)`);
console.log(`sources: ${s.sources}, distinct APIs: ${stats.apiNames}`);
console.log(
  `import: ${s.seconds} s wall, ${s.notebooks_per_s} notebooks/s; ${cpuSeconds.toFixed(1)} CPU-s ` +
    `(${Math.round((s.notebooks + s.bad_files) / cpuSeconds)} files per CPU-second)`,
);
console.log(
  `load average at the end: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${(await import('node:os')).cpus().length} cores`,
);
console.log(
  `search: ${qs.length} queries, ${hits} hits, p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms, max ` +
    `${(times.at(-1) ?? 0).toFixed(1)} ms`,
);
