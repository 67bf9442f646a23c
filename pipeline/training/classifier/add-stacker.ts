// `gds train stacker`: fits a stacker for an existing classifier folder and rescores the folder's manifest.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readClassifierManifest } from '../../../ml/classifier/classifier-manifest.ts';
import { readLabelModel } from '../../../ml/classifier/saved-label-model.ts';
import { fitStacker, type StackerReport } from './fit-stacker.ts';
import type { NotebookFiles } from './labelled-cells-in-context.ts';
import { readLabelledSets, scoreModel, type LabelFiles } from './score-model.ts';
import { taughtBy } from './teacher-targets.ts';

export interface AddStackerOptions {
  modelDir: string;
  files?: NotebookFiles;
  goldPath: string;
  labels: LabelFiles;
  script: string;
  command: string;
  log: (line: string) => void;
}

/**
 * Fits a stacker for an existing model folder (its LSTM and label model unchanged) and rescores the folder: the
 * manifest's metrics then describe what `gds classify` and the editor answer with it.
 */
export async function addStacker(o: AddStackerOptions): Promise<StackerReport> {
  const manifestPath = join(o.modelDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`no manifest.json in ${o.modelDir}`);
  const manifest = readClassifierManifest(manifestPath);
  const w = manifest.inference?.labelModelWeight ?? 0;
  const sets = readLabelledSets(o.goldPath, o.labels, manifest.data?.handRepeat ?? 0);
  if (sets.handRepeat > 0)
    throw new Error('the LSTM of this folder trained on the hand labels: a stacker fitted on them would learn its in-sample answers');
  if (sets.trainSets.length === 0) throw new Error('no hand-label files to fit the stacker on');
  const report = await fitStacker({
    modelDir: o.modelDir,
    labelModelWeight: w,
    sets: sets.trainSets,
    files: o.files,
    script: o.script,
    command: o.command,
    log: o.log,
  });
  const { metrics, labelSetMetrics } = await scoreModel(
    o.modelDir,
    readLabelModel(o.modelDir),
    { ...sets, stacked: true, files: o.files, taughtBy: taughtBy(manifest) },
    w,
  );
  const updated = { ...manifest, inference: { ...(manifest.inference ?? {}), stacker: report }, metrics, labelSetMetrics };
  writeFileSync(manifestPath, JSON.stringify(updated, null, 1));
  return report;
}
