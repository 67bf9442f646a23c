// The seq2seq recommender's data: corpus → training/held-out masked-line pairs (held-out-split.ts) and the per-model
// data folders Python reads.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stage } from '../../../ml/classifier/stages.ts';
import { releaseParsedTrees } from '../../../ml/python-parser.ts';
import { rng } from '../../../ml/random.ts';
import { buildVocab, encode, notebookPairs, trimRare, type Pair } from '../../../ml/recommender/pairs.ts';
import { isHeldOut } from './held-out-split.ts';

export interface CorpusNotebook {
  slug: string;
  /** Code cells only, in order. */
  cells: string[];
}

export type Labeler = (sources: string[]) => Stage[];

export function sample<T>(items: readonly T[], n: number, seed = 7): T[] {
  const copy = [...items];
  const r = rng(seed);
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return n > 0 && copy.length > n ? copy.slice(0, n) : copy;
}

export interface SplitPairs {
  train: Pair[];
  test: Pair[];
  trainNotebooks: number;
  testNotebooks: number;
  testSlugs: string[];
  hash: string;
}

/** Masks every notebook once; identical code (forks, bot starters) is counted once. */
export async function buildSplit(notebooks: Iterable<CorpusNotebook>, labeler: Labeler): Promise<SplitPairs> {
  const seen = new Set<string>();
  const out: SplitPairs = { train: [], test: [], trainNotebooks: 0, testNotebooks: 0, testSlugs: [], hash: '' };
  const dataHash = createHash('sha1');
  const slugs = new Set<string>();
  let n = 0;
  for (const nb of notebooks) {
    if (++n % 200 === 0) await releaseParsedTrees();
    const key = createHash('sha1').update(nb.cells.join('\n\u0000')).digest('hex');
    if (seen.has(key)) continue;
    seen.add(key);
    dataHash.update(key);
    const held = isHeldOut(nb.slug);
    if (held) slugs.add(nb.slug);
    const pairs = notebookPairs(nb.cells, labeler(nb.cells));
    if (held) {
      out.test.push(...pairs);
      out.testNotebooks++;
    } else {
      out.train.push(...pairs);
      out.trainNotebooks++;
    }
  }
  out.testSlugs = [...slugs].sort();
  out.hash = dataHash.digest('hex').slice(0, 16);
  return out;
}

/** Writes vocab.json + train.tsv + valid.tsv (token ids) for one model; returns the vocabulary. */
export function writeModelData(
  dir: string,
  pairs: readonly Pair[],
  opts: { maxVocab: number; maxPairs: number; seed?: number },
): { vocab: string[]; pairs: number } {
  const vocab = buildVocab(pairs).slice(0, opts.maxVocab);
  const index = new Map(vocab.map((t, i) => [t, i]));
  const nValid = Math.min(1000, Math.ceil(opts.maxPairs / 10));
  const kept = sample(trimRare(pairs, index), opts.maxPairs + nValid, opts.seed ?? 7);
  const valid = kept.slice(0, nValid);
  const train = kept.slice(nValid);
  const line = (p: Pair) => `${encode(p.input, index).join(' ')}\t${encode(p.output, index).join(' ')}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocab));
  writeFileSync(join(dir, 'train.tsv'), train.map(line).join('\n') + '\n');
  writeFileSync(join(dir, 'valid.tsv'), valid.map(line).join('\n') + '\n');
  return { vocab, pairs: train.length };
}
