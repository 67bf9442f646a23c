// `gds train stacker`: features of our hand-labelled cells (ml/classifier/stacker.ts) → resources/python/fit_stacker.py →
// stacker.json in the model folder, and its grouped cross-validation report (for the manifest).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runPythonTrainer, type TrainEvent } from '../python-trainer.ts';
import { loadClassifier } from '../../../ml/classifier/classifier.ts';
import type { GoldCell } from './gold.ts';
import { LABELING_FUNCTIONS } from '../../../ml/classifier/labeling-functions/index.ts';
import {
  STACKER_FILE,
  StackFeatures,
  cellFeatureNames,
  checkStacker,
  denseFeatureNames,
  type StackerParams,
} from '../../../ml/classifier/stacker.ts';
import { STAGES } from '../../../ml/classifier/stages.ts';
import { labelledNotebooks, type NotebookFiles } from './labelled-cells-in-context.ts';

export interface StackerFitOptions {
  modelDir: string;
  /** The cell-alone answer the stacker builds on (the manifest's weight may not be written yet). */
  labelModelWeight: number;
  /** Hand-label files to learn from (never the held-out test). */
  sets: Array<{ path: string; cells: GoldCell[] }>;
  /** The crawl, to read each labelled cell in its whole notebook (labelled-cells-in-context.ts). */
  files?: NotebookFiles;
  script: string;
  command: string;
  log: (line: string) => void;
}

export interface StackerReport {
  file: string;
  cells: number;
  tokens: number;
  c: number;
  tokenWeight: number;
  /** Accuracy of the stacker on held-out folds (grouped by dataset), and of the notebook-context rules on the same cells. */
  cvAccuracy: number;
  cvRulesAccuracy: number;
  perFile: Record<string, { cells: number; stacker: number; rules: number; stackerMacroF1: number; rulesMacroF1: number }>;
  /** The cell-alone regression, cross-validated the same way, against the mixture (LSTM × label model) it replaces. */
  alone: {
    c: number;
    tokenWeight: number;
    tokens: number;
    cvAccuracy: number;
    cvMixtureAccuracy: number;
    perFile: Record<string, { cells: number; stacker: number; mixture: number; stackerMacroF1: number; mixtureMacroF1: number }>;
  };
  trainedOn: string[];
  command: string;
  date: string;
}

/** Feature rows of every cell, notebook by notebook in order, from the model folder's LSTM and label model. */
async function featureRows(o: Pick<StackerFitOptions, 'modelDir' | 'labelModelWeight' | 'sets' | 'files'>) {
  // The label model and LFs always: at weight 0 the classifier would skip them, and the features would be blank.
  const clf = await loadClassifier(o.modelDir, { stacker: false, labelModelWeight: o.labelModelWeight, labelModel: true });
  const rows = {
    dense: [] as number[][],
    tokens: [] as string[][],
    y: [] as number[],
    groups: [] as string[],
    files: [] as string[],
    rules: [] as number[],
    mixture: [] as number[],
  };
  for (const set of o.sets) {
    for (const nb of labelledNotebooks(set.cells, o.files)) {
      const sig = await clf.signals(nb.sources);
      const features = new StackFeatures();
      nb.sources.forEach((source, k) => {
        const mixture = clf.mixture(sig[k]!);
        const row = features.next(source, sig[k]!, mixture);
        const c = set.cells[nb.labelled[k]!];
        if (!c) return;
        rows.dense.push(row.dense);
        rows.tokens.push(row.tokens);
        rows.y.push(STAGES.indexOf(c.stage));
        rows.groups.push(c.dataset ?? c.notebook);
        rows.files.push(basename(set.path));
        rows.rules.push(STAGES.indexOf(row.context.stage));
        rows.mixture.push(STAGES.indexOf(mixture.stage));
      });
    }
  }
  return rows;
}

/** What fit_stacker.py reads: the rows and the names of their columns (also for experiments on the rows themselves). */
export async function stackerData(o: Pick<StackerFitOptions, 'modelDir' | 'labelModelWeight' | 'sets' | 'files'>) {
  const rows = await featureRows(o);
  return { ...rows, denseNames: denseFeatureNames(), cellNames: cellFeatureNames(), lfNames: LABELING_FUNCTIONS.map((l) => l.name) };
}

export async function fitStacker(o: StackerFitOptions): Promise<StackerReport> {
  const t0 = Date.now();
  const rows = await stackerData(o);
  if (rows.y.length === 0) throw new Error('no hand-labelled cells to fit the stacker on');
  o.log(`stacker: ${rows.y.length} hand-labelled cells, ${rows.dense[0]!.length} dense features (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const work = mkdtempSync(join(tmpdir(), 'gds-stacker-'));
  try {
    const data = join(work, 'data.json');
    writeFileSync(data, JSON.stringify(rows));
    const out = join(work, STACKER_FILE);
    const events = await runPythonTrainer(o.script, ['--data', data, '--out', out], (e: TrainEvent) => o.log(`stacker: ${JSON.stringify(e)}`));
    const done = events.find((e) => e.event === 'done');
    if (!done) throw new Error('fit_stacker.py ended without a report');
    const alone = done.alone as
      | {
          c: number;
          token_weight: number;
          tokens: number;
          cv_accuracy: number;
          cv_mixture_accuracy: number;
          per_file: StackerReport['alone']['perFile'];
        }
      | null
      | undefined;
    if (!alone) throw new Error('fit_stacker.py fitted no cell-alone regression');
    // Checked before it replaces anything: a stacker that does not load must not reach the model folder.
    const params = checkStacker({ ...(JSON.parse(readFileSync(out, 'utf8')) as StackerParams), labelModelWeight: o.labelModelWeight }, out);
    writeFileSync(join(o.modelDir, STACKER_FILE), JSON.stringify(params));
    const report: StackerReport = {
      file: STACKER_FILE,
      cells: Number(done.cells),
      tokens: Number(done.tokens),
      c: Number(done.c),
      tokenWeight: Number(done.token_weight),
      cvAccuracy: Number(done.cv_accuracy),
      cvRulesAccuracy: Number(done.cv_rules_accuracy),
      perFile: done.per_file as StackerReport['perFile'],
      alone: {
        c: alone.c,
        tokenWeight: alone.token_weight,
        tokens: alone.tokens,
        cvAccuracy: alone.cv_accuracy,
        cvMixtureAccuracy: alone.cv_mixture_accuracy,
        perFile: alone.per_file,
      },
      trainedOn: o.sets.map((s) => basename(s.path)),
      command: o.command,
      date: new Date().toISOString(),
    };
    return report;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
