// The typed step registry: every unit of work a pipeline step runs in its child process, by name.
import type { z } from 'zod';
import { evalClassifierStep, labelStep, trainClassifierStep } from './classifier-steps.ts';
import { crawlStep, executeStep, importStep } from './corpus-steps.ts';
import { installModelStep } from './install-step.ts';
import { evalRecommenderStep, trainRecommenderStep } from './recommender-steps.ts';

export const STEP_REGISTRY = {
  crawl: crawlStep,
  import: importStep,
  execute: executeStep,
  label: labelStep,
  'train-classifier': trainClassifierStep,
  'train-recommender': trainRecommenderStep,
  'eval-classifier': evalClassifierStep,
  'eval-recommender': evalRecommenderStep,
  'install-model': installModelStep,
} as const;

export type TaskName = keyof typeof STEP_REGISTRY;
type Registry = typeof STEP_REGISTRY;
/** What a caller writes (defaults may be left out). A param renamed in a schema is a compile error at every caller. */
export type TaskParams<K extends TaskName> = z.input<Registry[K]['params']>;
export type TaskResult<K extends TaskName> = Awaited<ReturnType<Registry[K]['run']>>;

export function isTaskName(v: string): v is TaskName {
  return Object.hasOwn(STEP_REGISTRY, v);
}
