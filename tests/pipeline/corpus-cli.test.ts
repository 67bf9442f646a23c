// `gds import` / `gds search` end to end through bin/gds.mjs, with real files and a temp database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LGB_CODE, XGB_CODE, notebookJson, tempDir, write } from './fixtures.ts';

const root = new URL('../..', import.meta.url).pathname;

function gds(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/gds.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GDS_HOME: '/nonexistent-gds-home' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Each spawn loads the whole CLI through tsx (seconds on a busy machine), so this file keeps to five.
test('gds import --json ends with the documented summary line, and gds search finds API use', (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'corpus.sqlite');
  write(join(dir, 'nbs', 'a.ipynb'), notebookJson(XGB_CODE));
  write(join(dir, 'nbs', 'fork.ipynb'), notebookJson([{ md: 'copy' }, ...XGB_CODE.slice(1)]));
  write(join(dir, 'nbs', 'b.ipynb'), notebookJson(LGB_CODE));
  write(join(dir, 'nbs', 'empty.ipynb'), '');

  const imp = gds(['import', join(dir, 'nbs'), '--db', db, '--json']);
  assert.equal(imp.code, 0, imp.stderr);
  const last = imp.stdout.trim().split('\n').pop()!;
  assert.match(last, /^\{"notebooks": 3, "code_cells": 5, "duplicates": 1, "bad_files": 1, /);
  const summary = JSON.parse(last) as { bad: Array<{ path: string }> };
  assert.ok(summary.bad[0]!.path.endsWith('empty.ipynb'));

  const search = gds(['search', '--api', 'xgboost.train', '--db', db, '--json']);
  assert.equal(search.code, 0, search.stderr);
  const hits = JSON.parse(search.stdout) as Array<{ ref: string; cellIndex: number; snippet: string }>;
  assert.deepEqual(
    hits.map((h) => [h.ref, h.cellIndex]),
    [['nbs/a', 3]],
  );

  const text = gds(['search', 'LGBMRegressor', '--limit', '5', '--db', db]);
  assert.match(text.stdout, /nbs\/sub|nbs\/b {2}cell 2/);
  assert.match(text.stdout, /«LGBMRegressor»/);
});

test('gds import and search fail with one clear line', (t) => {
  const dir = tempDir(t);
  const missing = gds(['import', join(dir, 'nope'), '--db', join(dir, 'c.sqlite')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^gds: no such file or folder: .*nope\n$/);
  const badLimit = gds(['search', 'x', '--limit', '0', '--db', join(dir, 'c.sqlite')]);
  assert.notEqual(badLimit.code, 0);
  assert.match(badLimit.stderr, /--limit must be an integer >= 1/);
});
