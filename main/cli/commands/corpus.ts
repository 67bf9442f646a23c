// `gds import`, `gds search`, `gds corpus-stats`, `gds crawl`, `gds execute`: the corpus commands (registered by main/cli/program.ts).
// import, crawl and execute are argument adapters over the pipeline's typed steps (pipeline/jobs/steps/corpus-steps.ts).
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { join } from 'node:path';
import { userDataDir } from '../../../pipeline/app-paths.ts';
import type { ImportProgress, ImportSummary } from '../../../pipeline/corpus/importers/index.ts';
import { crawlStep, executeStep, importStep, openStore } from '../../../pipeline/jobs/steps/corpus-steps.ts';
import type { TaskParams } from '../../../pipeline/jobs/steps/registry.ts';
import { consoleIo, parseParams, type StepProgress } from '../../../pipeline/jobs/steps/step.ts';

/** Commander option parser for positive integers, with a one-line error for anything else. */
export function intOption(name: string, min = 0): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${v}"`);
    return n;
  };
}

/** The documented one-line shape: `{"notebooks": N, "code_cells": N, ...}` with a space after each colon. */
export function summaryLine(s: ImportSummary): string {
  return `{${Object.entries(s)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`;
}

function progressBar(): { update: (p: ImportProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'importing [{bar}] {value}/{total} notebooks | {eta_formatted} left | {current}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const total = p.total ?? p.done;
      const current = p.current.length > 50 ? `…${p.current.slice(-49)}` : p.current;
      if (!started) {
        bar.start(total, p.done, { current });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(p.done, { current });
      }
    },
    stop: () => started && bar.stop(),
  };
}

export function registerCorpusCommands(program: Command): void {
  program
    .command('import')
    .description(
      'import notebooks into the corpus: a Kaggle crawl folder, folders or zips of .ipynb, Meta Kaggle CSV + Code folders, .jsonl(.gz) shards',
    )
    .argument('<paths...>', 'files or folders to import')
    .option('--db <file>', 'corpus database (default: the app corpus in the user data folder)')
    .option('--json', 'end with a one-line JSON summary')
    .action(async (paths: string[], o: { db?: string; json?: boolean }) => {
      const bar = progressBar();
      let summary: ImportSummary;
      try {
        const io = {
          ...consoleIo(),
          progress: (p: StepProgress) => bar.update({ done: p.done ?? 0, total: p.total ?? null, current: p.item ?? '' }),
        };
        summary = await importStep.run(parseParams('import', importStep.params, { paths, db: o.db } satisfies TaskParams<'import'>), io);
      } finally {
        bar.stop();
      }
      if (o.json) {
        process.stdout.write(`${summaryLine(summary)}\n`);
        return;
      }
      const s = summary;
      process.stdout.write(
        `imported ${s.notebooks} notebooks (${s.duplicates} duplicates), ${s.code_cells} code cells, ${s.markdown_cells} markdown cells` +
          ` from ${s.sources} sources in ${s.seconds} s (${s.notebooks_per_s} notebooks/s); ${s.skipped} already present\n`,
      );
      if (s.bad_files) {
        process.stdout.write(`${s.bad_files} bad files:\n`);
        for (const b of s.bad.slice(0, 20)) process.stdout.write(`  ${b.path}: ${b.reason}\n`);
        if (s.bad_files > 20) process.stdout.write(`  … and ${s.bad_files - 20} more (use --json for the full list)\n`);
      }
    });

  program
    .command('search')
    .description('search the corpus by text (code and markdown) and/or API use; ranked cell hits')
    .argument('[query]', 'words to find (all must match; word* for a prefix)')
    .option('--api <call>', 'only cells calling this API, e.g. xgboost.train or pandas.read_csv (a module matches all its calls)')
    .option('--source <slug>', 'only notebooks of this dataset or competition')
    .option('--stage <stage>', 'only cells labelled with this workflow stage')
    .option('--min-votes <n>', 'only notebooks with at least this many votes', intOption('--min-votes'))
    .option('--limit <n>', 'number of hits', intOption('--limit', 1), 20)
    .option('--offset <n>', 'skip this many hits', intOption('--offset'), 0)
    .option('--db <file>', 'corpus database (default: the app corpus in the user data folder)')
    .option('--json', 'print the hits as JSON')
    .action(
      (
        query: string | undefined,
        o: { api?: string; source?: string; stage?: string; minVotes?: number; limit: number; offset: number; db?: string; json?: boolean },
      ) => {
        if (!query && !o.api && !o.source && !o.stage) throw new Error('give a QUERY or --api CALL (or a --source/--stage filter)');
        const store = openStore(o.db);
        try {
          const hits = store.search({ query, api: o.api, source: o.source, stage: o.stage, minVotes: o.minVotes, limit: o.limit, offset: o.offset });
          if (o.json) {
            process.stdout.write(`${JSON.stringify(hits)}\n`);
            return;
          }
          if (!hits.length) process.stdout.write('no hits\n');
          for (const h of hits) {
            const meta = [h.source, h.votes !== null ? `${h.votes} votes` : null, h.score !== null ? `score ${h.score}` : null]
              .filter(Boolean)
              .join(', ');
            process.stdout.write(`${h.ref}  cell ${h.cellIndex} [#${h.notebookId}]${meta ? `  (${meta})` : ''}\n`);
            process.stdout.write(
              `${h.snippet
                .split('\n')
                .map((l) => `    ${l}`)
                .join('\n')}\n`,
            );
          }
        } finally {
          store.close();
        }
      },
    );

  program
    .command('corpus-stats')
    .description('counts of the corpus: sources, notebooks, duplicates, cells, most used APIs')
    .option('--db <file>', 'corpus database (default: the app corpus in the user data folder)')
    .option('--json', 'print as JSON')
    .action((o: { db?: string; json?: boolean }) => {
      const store = openStore(o.db);
      try {
        const s = store.stats();
        if (o.json) process.stdout.write(`${JSON.stringify(s)}\n`);
        else {
          process.stdout.write(
            `${s.sources} sources, ${s.notebooks} notebooks (${s.duplicates} duplicates), ${s.codeCells} code cells, ` +
              `${s.markdownCells} markdown cells, ${s.apiNames} distinct APIs, ${s.executed} executed\n`,
          );
          for (const a of s.topApis) process.stdout.write(`  ${String(a.cells).padStart(7)}  ${a.name}\n`);
        }
      } finally {
        store.close();
      }
    });

  program
    .command('crawl')
    .description(
      'pull Kaggle notebooks of competitions/datasets with enough kernels into a crawl folder and the corpus (resumable; Ctrl-C stops cleanly)',
    )
    .option('--out <dir>', 'crawl folder (crawler layout + state file)', join(userDataDir(), 'kaggle-crawl'))
    .option('--db <file>', 'corpus database (default: the app corpus in the user data folder)')
    .option('--no-store', 'only write the crawl folder, do not import into the corpus')
    .option('--search <words>', 'comma-separated search words for competitions/datasets (default: no search)')
    .option('--kind <kind>', 'competition, dataset or both', 'both')
    .option('--min-kernels <n>', 'only sources with at least this many kernels', intOption('--min-kernels'), 20)
    .option('--max-sources <n>', 'stop after this many sources', intOption('--max-sources', 1))
    .option('--max-kernels <n>', 'at most this many kernels per source', intOption('--max-kernels', 1))
    .option('--max-pages <n>', 'list pages per search word and kind', intOption('--max-pages', 1), 5)
    .option('--delay <ms>', 'minimum gap between API requests', intOption('--delay'), 1000)
    .option('--transport <t>', 'rpc (api.kaggle.com, current) or legacy (www.kaggle.com/api/v1)', 'rpc')
    .option('--json', 'end with a one-line JSON summary')
    .action(
      async (o: {
        out: string;
        db?: string;
        store: boolean;
        search?: string;
        kind: string;
        minKernels: number;
        maxSources?: number;
        maxKernels?: number;
        maxPages: number;
        delay: number;
        transport: string;
        json?: boolean;
      }) => {
        if (!['competition', 'dataset', 'both'].includes(o.kind)) throw new Error(`--kind must be competition, dataset or both, got "${o.kind}"`);
        if (o.transport !== 'rpc' && o.transport !== 'legacy') throw new Error(`--transport must be rpc or legacy, got "${o.transport}"`);
        const stop = new AbortController();
        const onSigint = (): void => {
          if (stop.signal.aborted) process.exit(130);
          stop.abort();
          process.stderr.write('stopping after the current notebook (Ctrl-C again to quit now)…\n');
        };
        process.on('SIGINT', onSigint);
        try {
          const params: TaskParams<'crawl'> = {
            out: o.out,
            db: o.db,
            store: o.store,
            search: o.search ? o.search.split(',').map((w) => w.trim()) : undefined,
            kinds: o.kind === 'both' ? ['competition', 'dataset'] : [o.kind as 'competition' | 'dataset'],
            minKernels: o.minKernels,
            maxSources: o.maxSources,
            maxKernels: o.maxKernels,
            maxPages: o.maxPages,
            delayMs: o.delay,
            transport: o.transport,
          };
          const s = await crawlStep.run(parseParams('crawl', crawlStep.params, params), consoleIo(stop.signal));
          if (o.json) process.stdout.write(`${JSON.stringify(s)}\n`);
          else {
            process.stdout.write(
              `${s.sources} sources, ${s.pulled} notebooks pulled, ${s.already_done} already done, ${s.failed} failed (${s.retried} retried); state: ` +
                `${s.state_file}\n`,
            );
            for (const f of s.failures.slice(0, 20)) process.stdout.write(`  ${f.ref}: ${f.reason}\n`);
            if (s.stopped) process.stdout.write(`stopped: ${s.stop_reason ?? ''}; run the same command again to continue\n`);
          }
          if (s.stopped) process.exitCode = stop.signal.aborted ? 130 : 2;
        } finally {
          process.off('SIGINT', onSigint);
        }
      },
    );

  program
    .command('execute')
    .description('run imported notebooks on real Jupyter kernels ("Run all") and store their outputs, errors and verdicts')
    .option('--db <file>', 'corpus database (default: the app corpus in the user data folder)')
    .option('--limit <n>', 'at most this many notebooks', intOption('--limit', 1))
    .option('--timeout <s>', 'per-cell timeout in seconds', intOption('--timeout', 1), 60)
    .option('--concurrency <n>', 'kernels running at once', intOption('--concurrency', 1), 2)
    .option('--python <path>', 'Python interpreter with jupyter_server and ipykernel')
    .option('--rerun', 'also run notebooks that already have a verdict')
    .option('--json', 'end with a one-line JSON summary')
    .action(async (o: { db?: string; limit?: number; timeout: number; concurrency: number; python?: string; rerun?: boolean; json?: boolean }) => {
      const stop = new AbortController();
      const onSigint = (): void => {
        if (stop.signal.aborted) process.exit(130);
        stop.abort();
        process.stderr.write('stopping after the running notebooks (Ctrl-C again to quit now)…\n');
      };
      process.on('SIGINT', onSigint);
      try {
        const params: TaskParams<'execute'> = {
          db: o.db,
          limit: o.limit,
          timeoutS: o.timeout,
          concurrency: o.concurrency,
          python: o.python,
          rerun: o.rerun,
        };
        const s = await executeStep.run(parseParams('execute', executeStep.params, params), consoleIo(stop.signal));
        if (o.json) process.stdout.write(`${JSON.stringify(s)}\n`);
        else
          process.stdout.write(
            `ran ${s.notebooks} notebooks in ${s.seconds} s: ${s.ok} ok, ${s.error} errors, ${s['missing-data']} missing data, ${s.timeout} timeouts, ` +
              `${s['kernel-failed']} kernel failures\n`,
          );
        if (stop.signal.aborted) process.exitCode = 130;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
