// Evaluates every model in a recommender folder (per-stage, single, n-gram) on the next lines of given notebooks.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES, type Stage } from '../classifier/stages.ts';
import { loadSeq2Seq, type Seq2SeqModel } from './beam-search.ts';
import { sample, type CorpusNotebook, type Labeler } from './dataset.ts';
import { accuracy, ngramPredictor, seq2seqPredictor, type Accuracy } from './evaluate.ts';
import { LineNgram, type NgramJson } from './ngram.ts';
import { notebookPairs, type Pair } from './pairs.ts';

export async function evaluateModelDir(dir: string, notebooks: readonly CorpusNotebook[], labeler: Labeler, maxPairs: number): Promise<{ pairs: number; metrics: Record<string, Accuracy> }> {
  const all: Pair[] = notebooks.flatMap((nb) => notebookPairs(nb.cells, labeler(nb.cells)));
  const pairs = sample(all, maxPairs, 11);
  const metrics: Record<string, Accuracy> = {};
  const ngram = LineNgram.fromJson(JSON.parse(readFileSync(join(dir, 'ngram.json'), 'utf8')) as NgramJson);
  metrics.ngram = await accuracy(pairs, ngramPredictor(ngram));
  if (existsSync(join(dir, 'single', 'encoder.onnx'))) {
    metrics.single = await accuracy(pairs, seq2seqPredictor(new Map([['single', await loadSeq2Seq(join(dir, 'single'))]]), true));
  }
  const stages = new Map<Stage, Seq2SeqModel>();
  for (const s of STAGES) if (existsSync(join(dir, 'stages', s, 'encoder.onnx'))) stages.set(s, await loadSeq2Seq(join(dir, 'stages', s)));
  if (stages.size) metrics['per-stage'] = await accuracy(pairs, seq2seqPredictor(stages, false));
  return { pairs: pairs.length, metrics };
}
