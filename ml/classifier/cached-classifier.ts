// Classifies notebooks whose cells mostly repeat from one request to the next: each source's signals (the LSTM, the
// label model) are computed once, the cheap in-context stream reruns over the whole notebook every time.
import type { CellSignals, Classification, StageClassifier } from './classifier.ts';
import type { Stage } from './stages.ts';

export class CachedClassifier {
  private readonly cache = new Map<string, CellSignals>();

  constructor(
    readonly classifier: StageClassifier,
    private readonly max = 20_000,
  ) {}

  async classify(sources: readonly string[], notebook: boolean): Promise<Classification[]> {
    const clf = this.classifier;
    const known = new Map(sources.flatMap((s) => (this.cache.has(s) ? [[s, this.cache.get(s)!] as const] : [])));
    const missing = [...new Set(sources.filter((s) => !known.has(s)))];
    if (missing.length) {
      const fresh = await clf.signals(missing);
      if (this.cache.size + missing.length > this.max) this.cache.clear();
      missing.forEach((s, i) => (known.set(s, fresh[i]!), this.cache.set(s, fresh[i]!)));
    }
    const signals = sources.map((s) => known.get(s)!);
    if (!notebook) return signals.map((s) => clf.alone(s));
    const stream = clf.notebookStream();
    return sources.map((s, i) => stream.next(s, signals[i]!));
  }

  /**
   * The stage of a next line: the badge of the last non-empty cell in notebook context (the cell being typed, or the
   * one above a new cell); 'import' before any code.
   */
  async stageAfter(cells: readonly string[]): Promise<Stage> {
    const filled = cells.filter((c) => c.trim());
    if (!filled.length) return 'import';
    return (await this.classify(filled, true)).at(-1)!.stage;
  }
}
