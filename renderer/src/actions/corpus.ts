// Corpus searches, from the panel's form or from a chip's "examples" link.
import { host } from '../host.ts';
import { useCorpus } from '../stores/corpus.ts';
import { useUi } from '../stores/ui.ts';

export async function searchCorpus(): Promise<void> {
  const { query, api, stage, minVotes, set } = useCorpus.getState();
  set({ error: null });
  try {
    set({
      hits: await host().corpus.search({
        query,
        api: api || undefined,
        stage: stage || undefined,
        minVotes: minVotes ? Number(minVotes) : undefined,
        limit: 100,
      }),
    });
  } catch (e) {
    set({ error: (e as Error).message, hits: null });
  }
}

/** Opens the corpus panel on the notebooks that make this call (a chip's evidence). */
export function showExamples(call: string): void {
  useCorpus.getState().set({ query: '', api: call, stage: '', minVotes: '' });
  useUi.getState().setCorpusView(null);
  useUi.getState().setPanel('corpus');
  void searchCorpus();
}
