// The fitted label model saved beside the classifier (label-model.json), checked against the current LF list.
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../read-json-file.ts';
import { LABELING_FUNCTIONS, applyLfs } from './labeling-functions/index.ts';
import { predictProba, type LabelModelParams } from './label-model.ts';
import { STAGES } from './stages.ts';

const probability = z.number().min(0).max(1);
const perStage = z.array(probability).length(STAGES.length);

const LabelModelSchema = z
  .object({
    lfNames: z.array(z.string()),
    lfStages: z.array(z.number().int().min(0).max(STAGES.length - 1)),
    prior: perStage,
    theta: z.array(perStage),
    iterations: z.number().int(),
    useAbstains: z.boolean(),
  })
  .refine((p) => p.lfStages.length === p.lfNames.length && p.theta.length === p.lfNames.length, {
    message: 'lfStages and theta need one entry per name in lfNames',
    path: ['theta'],
  }) satisfies z.ZodType<LabelModelParams, unknown>;

const cache = new Map<string, LabelModelParams>();

export function readLabelModel(modelDir: string): LabelModelParams {
  const path = join(modelDir, 'label-model.json');
  let params = cache.get(path);
  if (!params) {
    params = readJsonFile(path, LabelModelSchema);
    const names = LABELING_FUNCTIONS.map((l) => l.name).join(',');
    // Parameters are per LF; a changed LF list would silently misalign them.
    if (params.lfNames.join(',') !== names) throw new Error(`${path} was fitted for other labeling functions; rerun \`gds train classifier\``);
    cache.set(path, params);
  }
  return params;
}

/** Label-model probabilities [n][6] for cell sources. */
export function labelProbs(sources: string[], params: LabelModelParams): number[][] {
  return predictProba(applyLfs(sources), params);
}
