// Adapts the recommender engine to the app: loads the active recommender model and answers suggestion requests.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRecommender } from '../../ml/recommender/recommender.ts';
import type { StageId, Suggestion } from '../../preload/contract.ts';

export interface Suggester {
  suggest(cells: string[], top: number, extra?: { stage?: StageId; columns?: readonly string[]; files?: readonly string[]; bias?: ReadonlyMap<string, number> }): Promise<{ stage: StageId | null; suggestions: Suggestion[] }>;
}

export async function createSuggester(modelDir: string): Promise<Suggester> {
  if (!existsSync(join(modelDir, 'manifest.json'))) throw new Error(`no recommender model at ${modelDir} (run \`gds train recommender\`)`);
  const rec = await loadRecommender(modelDir);
  return {
    async suggest(cells, top, extra = {}) {
      const res = await rec.suggest(cells, { top, ...extra });
      return { stage: res.stage, suggestions: res.suggestions.map((s) => ({ text: s.text, score: s.score, key: s.key, evidence: s.evidence })) };
    },
  };
}
