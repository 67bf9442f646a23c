// Self-training: an earlier classifier (its stacker fitted on the hand labels) labels the crawl in notebook context, and
// a new LSTM learns those answers instead of the label model's. The teacher knows what the hand labels and the cells
// before taught it; the student, reading one cell, learns what such a cell usually is in its notebooks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StageClassifier } from '../../../ml/classifier/classifier.ts';
import { readClassifierManifest, type ClassifierManifest } from '../../../ml/classifier/classifier-manifest.ts';
import { STACKER_FILE } from '../../../ml/classifier/stacker.ts';
import { STAGES } from '../../../ml/classifier/stages.ts';
import type { CorpusCodeCell } from './corpus-cells.ts';

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
export async function teacherProbs(
  teacher: StageClassifier,
  all: ReadonlyArray<CorpusCodeCell>,
  at: ReadonlyArray<number>,
  log: (line: string) => void = () => {},
): Promise<number[][]> {
  if (!teacher.stacked)
    throw new Error(`the teacher ${teacher.modelDir} has no stacker.json: its answers would only repeat the label model and the LSTM`);
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

export interface TeacherRecord {
  kind: 'teacher';
  dir: string;
  /**
   * The hand-label files the teacher's stacker was fitted on, and those its own teacher's were (a student of a
   * student): through it, the LSTM has learned from all of them.
   */
  stackerTrainedOn: string[];
  command: string | null;
  /** The teacher's own LSTM data hash and stacker date: which model taught, after the folder has been replaced. */
  dataHash: string | null;
  stackerDate: string | null;
}

/** What a model folder's manifest says it learned from through a teacher (`data.targets`), if anything. */
export function taughtBy(manifest: ClassifierManifest): string[] {
  const t = manifest.data?.targets;
  return t?.kind === 'teacher' ? (t.stackerTrainedOn ?? []) : [];
}

/**
 * A teacher must have a stacker and a manifest naming the files it (and any teacher before it) was fitted on, none of
 * them a held-out file (named by file name, whether or not the file is here).
 */
export async function readTeacher(dir: string, heldOut: string[]): Promise<TeacherRecord> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(join(dir, STACKER_FILE))) throw new Error(`teacher ${dir}: no ${STACKER_FILE} (fit one with gds train stacker --model ${dir})`);
  if (!existsSync(manifestPath)) throw new Error(`teacher ${dir}: no manifest.json to say which hand labels its stacker was fitted on`);
  const manifest = readClassifierManifest(manifestPath);
  const trainedOn = manifest.inference?.stacker?.trainedOn;
  if (!trainedOn) throw new Error(`teacher ${dir}: its manifest does not say which hand labels its stacker was fitted on`);
  const all = [...new Set([...trainedOn, ...taughtBy(manifest)])];
  const leaked = all.filter((f) => heldOut.includes(f));
  if (leaked.length) throw new Error(`teacher ${dir}: it learned from held-out ${leaked.join(', ')}; a student of it could not be scored there`);
  return {
    kind: 'teacher',
    dir,
    stackerTrainedOn: all,
    command: manifest.command ?? null,
    dataHash: manifest.data?.dataHash ?? null,
    stackerDate: manifest.inference?.stacker?.date ?? null,
  };
}
