// Runs the workflow checks over both shared corpora: per rule, on how many notebooks it fires; writes a seeded sample
// of firings per rule (the cell around the line, and the cells it relates to) for hand-checking, and times the checks.
//   node --import tsx scripts/lint-corpus.ts [--out /tmp/gds-lint-corpus] [--sample 50] [--only kaggle|github]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { ensureKaggleCorpus, githubShards } from '../pipeline/corpus-cache.ts';
import { joinSource } from '../pipeline/notebook/read-notebook-file.ts';
import { findNotebooks } from '../pipeline/notebook/find-notebooks.ts';
import { rng } from '../ml/random.ts';
import { RULES, lintNotebook } from '../ml/guidance/lint.ts';
import type { Finding, LintCell } from '../ml/guidance/types.ts';

const { values: opts } = parseArgs({
  options: {
    out: { type: 'string', default: '/tmp/gds-lint-corpus' }, sample: { type: 'string', default: '50' }, only: { type: 'string' },
    list: { type: 'string' }, slice: { type: 'string' },
  },
});

interface CorpusNotebook { ref: string; corpus: 'kaggle' | 'github'; cells: LintCell[] }

function kaggleNotebooks(): CorpusNotebook[] {
  const out: CorpusNotebook[] = [];
  for (const file of findNotebooks(join(ensureKaggleCorpus(), 'datasets'))) {
    let json: { cells?: Array<Record<string, unknown>>; metadata?: { language_info?: { name?: string }; kernelspec?: { language?: string } } };
    try {
      const bytes = readFileSync(file);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        text = new TextDecoder('windows-1252').decode(bytes);
      }
      json = JSON.parse(text.replace(/^\uFEFF/, '')) as typeof json;
    } catch {
      continue; // empty and broken files are part of the crawl
    }
    const lang = (json.metadata?.language_info?.name ?? json.metadata?.kernelspec?.language ?? 'python').toLowerCase();
    if (lang !== 'python' || !Array.isArray(json.cells)) continue;
    const cells = json.cells
      .filter((c) => c?.cell_type === 'code')
      .map((c, i) => ({ id: `c${i}`, source: joinSource(c.source), executionCount: typeof c.execution_count === 'number' ? c.execution_count : null }));
    out.push({ ref: file, corpus: 'kaggle', cells });
  }
  return out;
}

function githubNotebooks(): CorpusNotebook[] {
  const out: CorpusNotebook[] = [];
  for (const shard of githubShards()) {
    for (const line of gunzipSync(readFileSync(shard)).toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      type ShardCell = { type?: string; source?: string; execution_count?: number | null };
      const nb = JSON.parse(line) as { source?: string; path?: string; kernel_lang?: string; cells?: ShardCell[] };
      if ((nb.kernel_lang ?? 'python') !== 'python') continue;
      const cells = (nb.cells ?? [])
        .filter((c) => c.type === 'code')
        .map((c, i) => ({ id: `c${i}`, source: c.source ?? '', executionCount: typeof c.execution_count === 'number' ? c.execution_count : null }));
      out.push({ ref: `${nb.source ?? ''}/${nb.path ?? ''}`, corpus: 'github', cells });
    }
  }
  return out;
}

/** Forks and copies once: the same code is the same notebook. */
function dedupe(notebooks: CorpusNotebook[]): CorpusNotebook[] {
  const seen = new Set<string>();
  return notebooks.filter((nb) => {
    const code = nb.cells.map((c) => c.source.trim()).filter(Boolean);
    if (!code.length) return false;
    const id = createHash('sha1').update(code.join('\n')).digest('hex');
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function excerpt(nb: CorpusNotebook, cellId: string, line: number, around = 6): string {
  const index = nb.cells.findIndex((c) => c.id === cellId);
  const lines = nb.cells[index]?.source.split('\n') ?? [];
  const from = Math.max(0, line - 1 - around);
  const to = Math.min(lines.length, line + around);
  const body = lines.slice(from, to).map((l, i) => `${from + i + 1 === line ? '>>' : '  '} ${String(from + i + 1).padStart(3)}| ${l.slice(0, 150)}`);
  return [`  [code cell ${index + 1}, In [${nb.cells[index]?.executionCount ?? ' '}]]`, ...body].join('\n');
}

interface Result { index: number; ms: number; found: Finding[] }

/**
 * Lints notebooks [from, to) of the list file in a child process: tree-sitter's native trees are freed late, so one
 * process over 30,000 notebooks grows past the machine's memory; a child per slice returns it all when it exits.
 */
function lintSlice(list: string, from: number, to: number): void {
  const lines = readFileSync(list, 'utf8').split('\n');
  for (let i = from; i < to && i < lines.length; i++) {
    if (!lines[i]) continue;
    const nb = JSON.parse(lines[i]!) as CorpusNotebook;
    const t = performance.now();
    let found: Finding[];
    try {
      found = lintNotebook(nb.cells);
    } catch (e) {
      process.stderr.write(`${nb.ref}: ${(e as Error).stack}\n`);
      continue;
    }
    process.stdout.write(`${JSON.stringify({ index: i, ms: performance.now() - t, found } satisfies Result)}\n`);
  }
}

if (opts.slice) {
  const [from, to] = opts.slice.split(':').map(Number) as [number, number];
  lintSlice(opts.list!, from, to);
  process.exit(0);
}

const all = dedupe([...(opts.only === 'github' ? [] : kaggleNotebooks()), ...(opts.only === 'kaggle' ? [] : githubNotebooks())]);
mkdirSync(opts.out!, { recursive: true });
const list = join(opts.out!, 'notebooks.jsonl');
writeFileSync(list, all.map((nb) => JSON.stringify(nb)).join('\n'));
const firings = new Map<string, Array<{ nb: CorpusNotebook; f: Finding }>>(RULES.map((r) => [r.id, []]));
const notebooksPerRule = new Map<string, number>(RULES.map((r) => [r.id, 0]));
const times: Array<{ ms: number; cells: number }> = [];
const withCounts = all.filter((nb) => nb.cells.some((c) => c.executionCount !== null)).length;
let linted = 0;
const started = performance.now();
const SLICE = 2500;
for (let from = 0; from < all.length; from += SLICE) {
  const args = [...process.execArgv, process.argv[1]!, '--list', list, '--slice', `${from}:${from + SLICE}`];
  const child = spawnSync(process.execPath, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (child.stderr) process.stderr.write(child.stderr.slice(0, 4000));
  for (const line of child.stdout.split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as Result;
    const nb = all[r.index]!;
    linted++;
    times.push({ ms: r.ms, cells: nb.cells.length });
    for (const f of r.found) firings.get(f.ruleId)!.push({ nb, f });
    for (const rule of new Set(r.found.map((f) => f.ruleId))) notebooksPerRule.set(rule, notebooksPerRule.get(rule)! + 1);
  }
  process.stderr.write(`${Math.min(all.length, from + SLICE)} / ${all.length}\n`);
}
const failed = all.length - linted;

const kaggle = all.filter((n) => n.corpus === 'kaggle').length;
console.log(`notebooks: ${all.length} (kaggle ${kaggle}, github ${all.length - kaggle}); with execution counts: ${withCounts}; failed: ${failed}`);
console.log(`total ${(performance.now() - started) / 1000 | 0} s`);
console.log('rule | notebooks | firings');
for (const r of RULES) console.log(`${r.id} | ${notebooksPerRule.get(r.id)} | ${firings.get(r.id)!.length}`);

// First-run times include parsing; the editor re-runs on cached cell facts. Report both ends for notebooks near 200 cells.
const big = times.filter((t) => t.cells >= 150 && t.cells <= 250).map((t) => t.ms).sort((a, b) => a - b);
if (big.length) {
  const median = big[big.length >> 1]!.toFixed(1);
  console.log(`150–250-cell notebooks (${big.length}), first run incl. parsing: median ${median} ms, max ${big.at(-1)!.toFixed(1)} ms`);
}

// Every firing, one a line: runs can be compared (which firings a change removed, which it added).
const everyFiring = [...firings.entries()].flatMap(([rule, list]) => list.map(({ nb, f }) => ({ rule, ref: nb.ref, key: f.key, line: f.startLine })));
writeFileSync(join(opts.out!, 'firings.jsonl'), everyFiring.map((x) => JSON.stringify(x)).join('\n'));

const sampleSize = Number(opts.sample);
for (const r of RULES) {
  const list = firings.get(r.id)!;
  const rand = rng(24);
  const picked = [...list].map((x) => ({ x, k: rand() })).sort((a, b) => a.k - b.k).slice(0, sampleSize).map((p) => p.x);
  const text = picked.map(({ nb, f }, i) => [
    `### ${i + 1}. ${nb.ref}`,
    `${f.message}`,
    excerpt(nb, f.cellId, f.startLine),
    ...f.related.map((rel) => `  -- related: ${rel.note}\n${excerpt(nb, rel.cellId, rel.line, 3)}`),
    '',
  ].join('\n'));
  writeFileSync(join(opts.out!, `${r.id}.md`), `# ${r.id}: ${list.length} firings, ${picked.length} sampled\n\n${text.join('\n')}`);
}
console.log(`samples in ${opts.out}`);
