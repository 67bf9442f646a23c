// Next-line accuracy: is the true masked line among the top-1 / top-5 distinct predictions?
import type { Stage } from '../../../ml/classifier/stages.ts';
import { beamSearch, type Seq2SeqModel } from '../../../ml/recommender/beam-search.ts';
import type { LineNgram } from '../../../ml/recommender/ngram.ts';
import { stageToken, type Pair } from '../../../ml/recommender/pairs.ts';
import { MAX_LEN } from '../../../ml/recommender/window.ts';

export type Predictor = (pair: Pair) => Promise<string[]>;

export interface Accuracy {
  top1: number;
  top5: number;
  n: number;
}

export async function accuracy(pairs: readonly Pair[], predict: Predictor): Promise<Accuracy> {
  let top1 = 0;
  let top5 = 0;
  for (const p of pairs) {
    const gold = p.output.join(' ');
    const preds = await predict(p);
    if (preds[0] === gold) top1++;
    if (preds.slice(0, 5).includes(gold)) top5++;
  }
  const n = pairs.length || 1;
  return { top1: round(top1 / n), top5: round(top5 / n), n: pairs.length };
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

export function ngramPredictor(model: LineNgram): Predictor {
  return async (p) => model.predict(p.input, 5).map((x) => x.line);
}

export function seq2seqPredictor(models: ReadonlyMap<Stage | 'single', Seq2SeqModel>, conditioned: boolean): Predictor {
  return async (p) => {
    const model = conditioned ? models.get('single') : models.get(p.stage);
    if (!model) return [];
    const input = conditioned ? [stageToken(p.stage), ...p.input] : p.input;
    const hyps = await beamSearch(model, input, { beam: 5, top: 5, maxLen: MAX_LEN + 1 });
    return hyps.map((h) => h.tokens.join(' '));
  };
}
