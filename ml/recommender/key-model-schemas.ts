// What the key recommender's model files must hold (written by pipeline/training/recommender/train-keys.ts): their
// envelopes, field by field; the n-gram and template tables inside are too large to walk at load time.
import { z } from 'zod';
import { unwalkedArray, unwalkedRecord } from '../read-json-file.ts';
import type { GbdtJson, TreeJson } from './gbdt.ts';
import type { KeyCoocJson } from './key-cooc.ts';
import type { KeyNgramJson } from './key-ngram.ts';
import type { KeyStagesJson } from './key-stages.ts';
import type { KeyStatsJson } from './key-ranker.ts';
import type { TemplateJson } from './render.ts';

// 600 trees of a few hundred nodes each: the node arrays are checked to be arrays, not number by number.
const numbers = unwalkedArray<number>();

const TreeSchema = z.object({ feature: numbers, threshold: numbers, left: numbers, right: numbers, value: numbers, missingLeft: numbers }) satisfies z.ZodType<
  TreeJson,
  unknown
>;

export const GbdtSchema = z.object({
  kind: z.literal('gbdt'),
  features: z.array(z.string()),
  baseline: z.number(),
  trees: z.array(TreeSchema),
}) satisfies z.ZodType<GbdtJson, unknown>;

export const KeyNgramSchema = z.object({
  kind: z.literal('key-ngram'),
  order: z.number().int().positive(),
  vocab: z.array(z.string()),
  tables: z.array(unwalkedRecord<Record<string, number[]>>()),
}) satisfies z.ZodType<KeyNgramJson, unknown>;

export const KeyStatsSchema = z.object({
  repeat: unwalkedRecord<Record<string, number>>(),
  opens: unwalkedRecord<Record<string, number>>(),
}) satisfies z.ZodType<KeyStatsJson, unknown>;

export const TemplatesSchema = z.object({
  kind: z.literal('templates'),
  byKey: unwalkedRecord<Record<string, Array<[string, number]>>>(),
}) satisfies z.ZodType<TemplateJson, unknown>;

export const KeyCoocSchema = z.object({
  kind: z.literal('key-cooc'),
  notebooks: z.number().int().nonnegative(),
  vocab: z.array(z.string()),
  df: numbers,
  next: unwalkedArray<number[]>(),
}) satisfies z.ZodType<KeyCoocJson, unknown>;

export const KeyStagesSchema = z.object({
  kind: z.literal('key-stages'),
  stages: z.array(z.string()),
  cells: z.array(z.number().nonnegative()),
  transitions: z.array(z.array(z.number().nonnegative())),
  byKey: unwalkedRecord<Record<string, number[]>>(),
}) satisfies z.ZodType<KeyStagesJson, unknown>;
