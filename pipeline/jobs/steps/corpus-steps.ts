// Corpus steps: crawl Kaggle, import notebooks, execute them. `gds crawl|import|execute` are adapters over these.
import { join } from 'node:path';
import { z } from 'zod';
import { defaultCorpusDb, userDataDir } from '../../app-paths.ts';
import { importPaths, type ImportSummary } from '../../corpus/importers/index.ts';
import { CorpusStore } from '../../corpus/store.ts';
import { executeCorpus, type ExecuteSummary } from '../../executor/execute.ts';
import { KaggleClient } from '../../kaggle/client.ts';
import { loadCredentials } from '../../kaggle/credentials.ts';
import { crawlKaggle, type CrawlSummary } from '../../kaggle/crawl.ts';
import { defineStep } from './step.ts';

const count = (min: number) => z.number().int().min(min);

export function openStore(db: string | undefined): CorpusStore {
  return CorpusStore.open(db ?? defaultCorpusDb());
}

export const crawlStep = defineStep({
  name: 'crawl',
  params: z.strictObject({
    out: z.string().default(() => join(userDataDir(), 'kaggle-crawl')),
    db: z.string().optional(),
    /** false: only the crawl folder, nothing imported into the corpus. */
    store: z.boolean().default(true),
    search: z.array(z.string()).optional(),
    kinds: z.array(z.enum(['competition', 'dataset'])).min(1).default(['competition', 'dataset']),
    minKernels: count(0).default(20),
    maxSources: count(1).optional(),
    maxKernels: count(1).optional(),
    maxPages: count(1).default(5),
    delayMs: count(0).default(1000),
    transport: z.enum(['rpc', 'legacy']).default('rpc'),
  }),
  async run(p, io): Promise<CrawlSummary> {
    const client = new KaggleClient({ credentials: loadCredentials(), transport: p.transport, minIntervalMs: p.delayMs });
    const store = p.store ? openStore(p.db) : undefined;
    try {
      return await crawlKaggle({
        client, outDir: p.out, store, search: p.search, kinds: p.kinds,
        minKernels: p.minKernels, maxSources: p.maxSources, maxKernelsPerSource: p.maxKernels, maxPages: p.maxPages,
        shouldStop: () => io.signal.aborted,
        log: io.log,
      });
    } finally {
      store?.close();
    }
  },
});

export const importStep = defineStep({
  name: 'import',
  params: z.strictObject({ paths: z.array(z.string()).min(1), db: z.string().optional() }),
  async run(p, io): Promise<ImportSummary> {
    const store = openStore(p.db);
    try {
      return await importPaths(store, p.paths, {
        onProgress: (x) => io.progress({
          fraction: x.total ? x.done / x.total : null, message: `${x.done}${x.total ? `/${x.total}` : ''} notebooks`,
          done: x.done, total: x.total, item: x.current,
        }),
      });
    } finally {
      store.close();
    }
  },
});

export const executeStep = defineStep({
  name: 'execute',
  params: z.strictObject({
    db: z.string().optional(),
    limit: count(1).optional(),
    timeoutS: count(1).default(60),
    concurrency: count(1).default(2),
    python: z.string().optional(),
    rerun: z.boolean().default(false),
  }),
  async run(p, io): Promise<ExecuteSummary> {
    const store = openStore(p.db);
    let done = 0;
    try {
      return await executeCorpus({
        store, limit: p.limit, timeoutS: p.timeoutS, concurrency: p.concurrency, python: p.python, rerun: p.rerun,
        shouldStop: () => io.signal.aborted,
        onResult: (r) => {
          done += 1;
          io.log(`${r.status.padEnd(12)} ${r.ref} (${r.seconds.toFixed(1)} s)${r.error ? `  ${r.error.split('\n')[0]}` : ''}`);
          if (p.limit) io.progress({ fraction: Math.min(1, done / p.limit), message: `${done}/${p.limit} notebooks` });
        },
      });
    } finally {
      store.close();
    }
  },
});
