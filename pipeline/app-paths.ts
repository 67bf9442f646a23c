// Where GDS keeps user data (corpus DB, installed models, pipeline state), shared by the app and the CLI.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(new URL('..', import.meta.url).pathname);

/** GDS_HOME, else the platform's config folder (the Electron app points GDS_HOME at app.getPath('userData')). */
export function userDataDir(): string {
  if (process.env.GDS_HOME) return process.env.GDS_HOME;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Guided Data Science');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? homedir(), 'Guided Data Science');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'guided-data-science');
}

export function defaultCorpusDb(): string {
  return join(userDataDir(), 'corpus.sqlite');
}

export function resourcesDir(): string {
  return process.env.GDS_RESOURCES ?? join(repoRoot, 'resources');
}

/** Models shipped with the app. */
export function bundledModelsDir(): string {
  return join(resourcesDir(), 'models');
}

/** Models the user trained and installed; they take precedence over the bundled ones. */
export function installedModelsDir(): string {
  return join(userDataDir(), 'models');
}

/**
 * The one answer to "which model folder does GDS use for `kind`": the installed one when it holds a model (its
 * manifest.json; an install writes the folder whole, then renames it in), else the bundled one. The inference worker,
 * the doctor, the wizard's comparison and the CLI all ask here, so they never disagree.
 */
export function activeModelDir(kind: 'classifier' | 'recommender'): string {
  const installed = join(installedModelsDir(), kind);
  return existsSync(join(installed, 'manifest.json')) ? installed : join(bundledModelsDir(), kind);
}

/** Cells the GDS developers labelled by hand (resources/labels/README.md); excluded from training like the shared gold. */
export function handLabelsPath(): string {
  return join(resourcesDir(), 'labels', 'gds-hand.jsonl');
}

/**
 * Every hand-label file in the repository, by role (resources/labels/README.md). `train`: our labels that the end
 * model may learn from (their notebooks are never scored for it); `test`: never trained on; `audit`: our second
 * opinion on the shared gold (no sources: they come from the shared file).
 */
export function labelSets(): { train: string[]; test: string; audit: string } {
  const dir = join(resourcesDir(), 'labels');
  return {
    train: [
      join(dir, 'gds-hand.jsonl'),
      join(dir, 'gds-dev.jsonl'),
      join(dir, 'gds-dev2.jsonl'),
      join(dir, 'gds-dev3.jsonl'),
      join(dir, 'gds-dev4.jsonl'),
    ],
    test: join(dir, 'gds-test.jsonl'),
    audit: join(dir, 'gold-audit.jsonl'),
  };
}

export function pythonScriptsDir(): string {
  return join(resourcesDir(), 'python');
}
