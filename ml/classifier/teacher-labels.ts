// Self-training: an earlier classifier (its stacker fitted on the hand labels) labels the crawl in notebook context, and
// a new LSTM learns those answers instead of the label model's. The teacher knows what the hand labels and the cells
// before taught it; the student, reading one cell, learns what such a cell usually is in its notebooks.
import type { StageClassifier } from './classifier.ts';
import type { CorpusCodeCell } from './corpus-cells.ts';
import { STAGES } from './stages.ts';

/** Notebooks of the crawl as runs of consecutive cells (readCorpusCells keeps each notebook's cells together, in order). */
export function notebookRuns(cells: ReadonlyArray<CorpusCodeCell>): Array<[start: number, end: number]> {
  const runs: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i <= cells.length; i++) {
    const a = cells[i - 1]!;
    const b = cells[i];
    if (!b || b.notebook !== a.notebook || b.dataset !== a.dataset) {
      runs.push([start, i]);
      start = i;
    }
  }
  return cells.length ? runs : [];
}

/**
 * The teacher's in-context distribution (STAGES order) for the cells `all[at[k]]`, each notebook read from its first cell,
 * in order, as the editor does: cells left out of the training rows (a labelled text, or one not drawn under --max-cells) are still the context of the others.
 * Notebooks holding none of `at` are skipped, and each is read only up to its last cell in `at`.
 */
export async function teacherProbs(teacher: StageClassifier, all: ReadonlyArray<CorpusCodeCell>, at: ReadonlyArray<number>, log: (line: string) => void = () => {}): Promise<number[][]> {
  if (!teacher.stacked) throw new Error(`the teacher ${teacher.modelDir} has no stacker.json: its answers would only repeat the label model and the LSTM`);
  const wanted = new Map<number, number>();
  at.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= all.length) throw new Error(`teacherProbs: cell index ${i} is outside the corpus`);
    wanted.set(i, k);
  });
  const out: number[][] = new Array<number[]>(at.length);
  // The stream reads only the cells before each one, so a notebook is read up to its last wanted cell and no further.
  const runs = notebookRuns(all).flatMap(([start, end]): Array<[number, number]> => {
    for (let i = end - 1; i >= start; i--) if (wanted.has(i)) return [[start, i + 1]];
    return [];
  });
  const t0 = Date.now();
  let done = 0;
  for (let r = 0; r < runs.length; r++) {
    const [start, end] = runs[r]!;
    const sources = all.slice(start, end).map((c) => c.source);
    const sig = await teacher.signals(sources);
    const stream = teacher.notebookStream();
    sources.forEach((s, k) => {
      const probs = stream.next(s, sig[k]!).probs;
      const j = wanted.get(start + k);
      if (j !== undefined) out[j] = STAGES.map((st) => probs[st]);
    });
    done += end - start;
    if ((r + 1) % 2000 === 0) log(`teacher: ${r + 1} of ${runs.length} notebooks, ${done} cells, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  return out;
}
