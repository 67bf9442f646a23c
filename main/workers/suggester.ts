// Loads the active recommender model for the inference worker; its answers are the contract's Suggestion as they are.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRecommender, type SuggestOptions } from '../../ml/recommender/recommender.ts';
import type { StageId, Suggestion } from '../../preload/contract.ts';

export interface Suggester {
  suggest(cells: string[], top: number, extra?: Omit<SuggestOptions, 'top'>): Promise<{ stage: StageId | null; suggestions: Suggestion[] }>;
}

export async function createSuggester(modelDir: string): Promise<Suggester> {
  if (!existsSync(join(modelDir, 'manifest.json'))) throw new Error(`no recommender model at ${modelDir} (run \`gds train recommender\`)`);
  const rec = await loadRecommender(modelDir);
  return { suggest: (cells, top, extra = {}) => rec.suggest(cells, { top, ...extra }) };
}
