// Executor on real Jupyter kernels: outputs stored, errors, missing data, per-cell timeout, skipped cells, concurrency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CorpusStore } from '../../pipeline/corpus/store.ts';
import { importPaths } from '../../pipeline/corpus/importers/index.ts';
import { executeCorpus } from '../../pipeline/executor/execute.ts';
import { isMissingData } from '../../pipeline/executor/run-notebook.ts';
import { notebookJson, tempDir, write } from './fixtures.ts';

// The system Python carries jupyter_server + ipykernel here; GDS_PYTHON overrides it elsewhere.
const python = process.env.GDS_PYTHON ?? '/usr/bin/python3';

test('classifies missing input data apart from code errors', () => {
  assert.equal(isMissingData('FileNotFoundError', "[Errno 2] No such file or directory: '../input/train.csv'"), true);
  assert.equal(isMissingData('ZeroDivisionError', 'division by zero'), false);
});

test('runs notebooks on real kernels and records outputs and verdicts', { skip: !existsSync(python) && 'no system Python' }, async (t) => {
  const dir = tempDir(t);
  write(join(dir, 'nbs', 'ok.ipynb'), notebookJson([{ md: '# ok' }, { code: 'x = 6 * 7\nprint("hello")' }, { code: 'x' }]));
  write(join(dir, 'nbs', 'data.ipynb'), notebookJson([{ code: "f = open('../input/train.csv')" }, { code: 'print("never")' }]));
  write(join(dir, 'nbs', 'bug.ipynb'), notebookJson([{ code: 'print("before")' }, { code: '1 / 0' }]));
  write(join(dir, 'nbs', 'slow.ipynb'), notebookJson([{ code: 'import time\ntime.sleep(60)' }, { code: 'print("after")' }]));
  const store = CorpusStore.open(join(dir, 'c.sqlite'));
  t.after(() => store.close());
  await importPaths(store, [join(dir, 'nbs')]);
  const seen: string[] = [];
  const s = await executeCorpus({ store, timeoutS: 3, concurrency: 2, python, onResult: (r) => seen.push(`${r.ref}:${r.status}`) });
  assert.deepEqual(seen.sort(), ['nbs/bug:error', 'nbs/data:missing-data', 'nbs/ok:ok', 'nbs/slow:timeout']);
  assert.deepEqual([s.notebooks, s.ok, s.error, s['missing-data'], s.timeout], [4, 1, 1, 1, 1]);

  const ok = store.getNotebook(store.notebookIdByRef('nbs/ok')!)!;
  assert.equal(ok.execStatus, 'ok');
  assert.deepEqual(ok.cells[1]!.outputs, [{ output_type: 'stream', name: 'stdout', text: 'hello\n' }]);
  assert.deepEqual((ok.cells[2]!.outputs![0] as { data: Record<string, string> }).data['text/plain'], '42');
  const data = store.getNotebook(store.notebookIdByRef('nbs/data')!)!;
  assert.match(data.execError!, /FileNotFoundError/);
  assert.deepEqual(data.cells.map((c) => c.execStatus), ['error', 'skipped']);
  const bug = store.getNotebook(store.notebookIdByRef('nbs/bug')!)!;
  assert.match(bug.execError!, /ZeroDivisionError/);
  assert.equal((bug.cells[1]!.outputs![0] as { ename: string }).ename, 'ZeroDivisionError');
  const slow = store.getNotebook(store.notebookIdByRef('nbs/slow')!)!;
  assert.deepEqual(slow.cells.map((c) => c.execStatus), ['timeout', 'skipped']);
  assert.equal(store.stats().executed, 4);
  // Already-run notebooks are not run again unless asked.
  assert.equal((await executeCorpus({ store, python })).notebooks, 0);
});
