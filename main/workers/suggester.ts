// Adapts the recommender engine to the app: stage from the classifier, suggestions from the installed models.
import type { StageClassifier } from '../../ml/classifier/classifier.ts';
import type { StageId, Suggestion } from '../../preload/contract.ts';

export interface Suggester {
  suggest(cells: string[], top: number): Promise<{ stage: StageId | null; suggestions: Suggestion[] }>;
}

export async function createSuggester(modelDir: string, classifier: () => Promise<StageClassifier>): Promise<Suggester> {
  void modelDir;
  void classifier;
  throw new Error('next-line suggestions are not available in this build');
}
