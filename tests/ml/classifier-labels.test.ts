// Our hand-label files (resources/labels) are well formed, keep the held-out test set's datasets apart, and the
// second opinion on the shared gold reads its sources from the shared file; the end/label model mixture is a distribution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labelSets } from '../../pipeline/app-paths.ts';
import { goldPath } from '../../pipeline/corpus-cache.ts';
import { combine } from '../../ml/classifier/classifier.ts';
import { readGold } from '../../pipeline/training/classifier/gold.ts';
import { STAGES } from '../../ml/classifier/stages.ts';

const rows = (path: string): Array<Record<string, unknown>> =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test('every label file has one known stage per cell and no cell twice', () => {
  const sets = labelSets();
  for (const path of [...sets.train, sets.test, sets.audit]) {
    const r = rows(path);
    assert.ok(r.length > 500, `${path}: ${r.length} rows`);
    for (const row of r) assert.ok(STAGES.includes(row.stage as never), `${path}: bad stage ${String(row.stage)}`);
    const keys = r.map((x) => `${String(x.dataset)}/${String(x.notebook)}#${String(x.code_cell)}`);
    assert.equal(new Set(keys).size, keys.length, `${path} labels a cell twice`);
  }
});

test('the held-out test set shares no dataset with the files LFs were developed on or the LSTM learns from', () => {
  const sets = labelSets();
  const testDatasets = new Set(rows(sets.test).map((r) => r.dataset));
  for (const path of [...sets.train, sets.audit])
    for (const r of rows(path)) assert.ok(!testDatasets.has(r.dataset), `${String(r.dataset)} is in ${path} and in the test set`);
  if (existsSync(goldPath())) for (const r of rows(goldPath())) assert.ok(!testDatasets.has(r.dataset));
});

test('rows without a source take it from the shared file, matched by dataset, notebook and code cell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-labels-'));
  const shared = join(dir, 'shared.jsonl');
  const second = join(dir, 'second.jsonl');
  writeFileSync(
    shared,
    [
      { dataset: 'd', notebook: 'n.ipynb', code_cell: 2, stage: 'prep', source: 'df.describe()' },
      { dataset: 'e', notebook: 'n.ipynb', code_cell: 2, stage: 'load', source: 'pd.read_csv(p)' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n'),
  );
  writeFileSync(second, JSON.stringify({ dataset: 'd', notebook: 'n.ipynb', code_cell: 2, stage: 'explore' }));
  const [cell] = readGold(second, shared);
  assert.equal(cell!.source, 'df.describe()');
  assert.equal(cell!.stage, 'explore');
  assert.throws(() => readGold(second), /source/);
  if (existsSync(goldPath())) assert.equal(readGold(labelSets().audit, goldPath()).length, rows(goldPath()).length);
});

test('combine: weight 0 is the LSTM, weight 1 the label model, anything between a distribution leaning both ways', () => {
  const lstm = [0.05, 0.05, 0.6, 0.2, 0.05, 0.05];
  const lm = [0.01, 0.01, 0.08, 0.85, 0.03, 0.02];
  assert.deepEqual(combine(lstm, lm, 0), lstm);
  const one = combine(lstm, lm, 1);
  one.forEach((p, k) => assert.ok(Math.abs(p - lm[k]! / lm.reduce((a, b) => a + b, 0)) < 1e-9));
  const mid = combine(lstm, lm, 0.5);
  assert.ok(Math.abs(mid.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.ok(mid[3]! > lstm[3]! && mid[2]! < lstm[2]!);
});
