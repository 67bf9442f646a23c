// Installs a trained model folder atomically (stage beside, then rename), keeps the previous one for rollback, compares manifests.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../../ml/read-json-file.ts';
import { MODEL_KINDS, type ModelKind } from '../../preload/contract.ts';
import { installedModelsDir } from '../app-paths.ts';
import { isAlive } from './state-file.ts';

export type { ModelKind };

export function isModelKind(v: string): v is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(v);
}

export interface InstallResult {
  kind: ModelKind;
  installed: string;
  previous: string | null;
}

function readManifest(dir: string): Record<string, unknown> {
  const p = join(dir, 'manifest.json');
  if (!existsSync(p)) throw new Error(`no manifest.json in ${dir}`);
  // Any object: the kinds' manifests differ, and installing only copies the folder it describes.
  return readJsonFile(p, z.looseObject({}));
}

/** Staging folders left by an install that was killed mid-copy (its pid is gone) are garbage. */
function removeStaleStaging(root: string, kind: ModelKind): void {
  for (const name of readdirSync(root)) {
    const m = new RegExp(`^\\.${kind}\\.(?:staging|rollback)-(\\d+)-`).exec(name);
    if (m && !isAlive(Number(m[1]))) rmSync(join(root, name), { recursive: true, force: true });
  }
}

/**
 * Copies `from` into `<root>/<kind>`. The copy is staged in a sibling temp folder (same filesystem, so the rename
 * is atomic) and only then swapped in; the replaced model becomes `<kind>.previous`. Readers never see a half-copied
 * model: between the two renames the folder is briefly absent and loaders fall back to the bundled model.
 */
export function installModel(from: string, kind: ModelKind, root = installedModelsDir()): InstallResult {
  const src = resolve(from);
  readManifest(src);
  mkdirSync(root, { recursive: true });
  const target = join(root, kind);
  const previous = join(root, `${kind}.previous`);
  const stage = join(root, `.${kind}.staging-${process.pid}-${Date.now()}`);
  removeStaleStaging(root, kind);
  try {
    cpSync(src, stage, { recursive: true, filter: (p) => !p.endsWith('checkpoint.pt') });
    readManifest(stage);
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
  let kept: string | null = null;
  if (existsSync(target)) {
    rmSync(previous, { recursive: true, force: true });
    renameSync(target, previous);
    kept = previous;
  }
  try {
    renameSync(stage, target);
  } catch (e) {
    // Put the old model back so a failed install never leaves the kind without a model.
    if (kept) renameSync(previous, target);
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
  return { kind, installed: target, previous: kept };
}

/** Swaps `<kind>.previous` back in; the model it replaces becomes the new `.previous` so rollback can be undone. */
export function rollbackModel(kind: ModelKind, root = installedModelsDir()): InstallResult {
  const target = join(root, kind);
  const previous = join(root, `${kind}.previous`);
  if (!existsSync(previous)) throw new Error(`no previous ${kind} model to roll back to (${previous})`);
  const swap = join(root, `.${kind}.rollback-${process.pid}-${Date.now()}`);
  const hadCurrent = existsSync(target);
  if (hadCurrent) renameSync(target, swap);
  renameSync(previous, target);
  if (hadCurrent) renameSync(swap, previous);
  return { kind, installed: target, previous: hadCurrent ? previous : null };
}

export interface MetricRow {
  metric: string;
  candidate: number | null;
  installed: number | null;
  delta: number | null;
}

/** Numeric leaves of a manifest's `metrics`, keyed by dotted path (e.g. `endModel.test.accuracy`). */
export function flattenMetrics(v: unknown, prefix = '', out = new Map<string, number>()): Map<string, number> {
  if (typeof v === 'number' && Number.isFinite(v)) out.set(prefix, v);
  else if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flattenMetrics(x, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** One row per metric found in either manifest; the wizard's comparison table. Confusion matrices are skipped (arrays). */
export function compareModels(candidateDir: string, installedDir: string | null): MetricRow[] {
  const a = flattenMetrics(readManifest(candidateDir).metrics);
  const b = installedDir && existsSync(join(installedDir, 'manifest.json')) ? flattenMetrics(readManifest(installedDir).metrics) : new Map<string, number>();
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.map((metric) => {
    const candidate = a.get(metric) ?? null;
    const installed = b.get(metric) ?? null;
    return { metric, candidate, installed, delta: candidate !== null && installed !== null ? candidate - installed : null };
  });
}

export function formatComparison(rows: MetricRow[]): string {
  const f = (x: number | null): string => (x === null ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(4));
  const w = Math.max(6, ...rows.map((r) => r.metric.length));
  const lines = [`${'metric'.padEnd(w)}  ${'new'.padStart(10)}  ${'installed'.padStart(10)}  ${'delta'.padStart(10)}`];
  for (const r of rows) lines.push(`${r.metric.padEnd(w)}  ${f(r.candidate).padStart(10)}  ${f(r.installed).padStart(10)}  ${f(r.delta).padStart(10)}`);
  return lines.join('\n');
}
