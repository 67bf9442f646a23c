// A cell too big or nested too deep gets a clear error (issue #21: a 1 MB cell overflowed the stack in `gds suggest`):
// the JSON-lines CLIs answer that request with an error line and carry on, the app's ml.* methods reject it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRouter, type Handlers } from '../../main/host/router.ts';
import { MlService } from '../../main/services/ml-service.ts';
import { MAX_CELL_CHARS, MAX_CELL_DEPTH, cellLimitError, syntaxDepth } from '../../ml/cell-limits.ts';
import { readNames } from '../../ml/classifier/python-names.ts';
import { keyOf } from '../../ml/recommender/call-key.ts';
import { dottedChain } from '../../ml/recommender/mask.ts';
import { parsePython } from '../../ml/python-parser.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** 1 MB of `1+1+…`: one expression nested as deep as it is long (what overflowed the stack). */
const MEGA_CELL = `x = ${Array.from({ length: 500_000 }, () => '1').join('+')}`;
/** 40 KB, under the size limit, nested 20,000 levels deep. */
const DEEP_CELL = `x = df${'.a'.repeat(20_000)}`;

const run = (args: string[], lines: unknown[]) => {
  const r = spawnSync(process.execPath, ['bin/gds.mjs', ...args], {
    cwd: root,
    input: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
};

test('gds suggest --jsonl: a 1 MB cell and a 20,000-deep cell each get an {id, error} line; the requests around them are answered', () => {
  const out = run(
    ['suggest', '--jsonl', '--top', '3'],
    [
      { id: 'before', cells: ['import pandas as pd', "df = pd.read_csv('train.csv')"] },
      { id: 'mega', cells: ['import pandas as pd', MEGA_CELL] },
      { id: 'deep', cells: [DEEP_CELL] },
      { id: 'after', cells: ['import numpy as np\nimport pandas as pd'] },
    ],
  );
  assert.deepEqual(
    out.map((l) => l.id),
    ['before', 'mega', 'deep', 'after'],
  );
  for (const i of [0, 3]) {
    assert.deepEqual(Object.keys(out[i]!), ['id', 'stage', 'suggestions'], 'the contract of an answer stays exactly');
    assert.ok((out[i]!.suggestions as unknown[]).length > 0);
  }
  assert.deepEqual(out[1], {
    id: 'mega',
    error: `cell 2 is ${MEGA_CELL.length} characters, over the limit of ${MAX_CELL_CHARS} characters per cell`,
  });
  assert.deepEqual(Object.keys(out[2]!), ['id', 'error']);
  assert.match(String(out[2]!.error), new RegExp(`^cell 1 nests \\d+ levels deep, over the limit of ${MAX_CELL_DEPTH}$`));
});

test('gds classify --jsonl: the 1 MB cell gets an error line, alone and in a notebook; every other line is answered', () => {
  const out = run(
    ['classify', '--jsonl'],
    [
      { id: 'a', source: 'import pandas as pd' },
      { id: 'b', source: MEGA_CELL },
      { id: 'c', source: 'df = pd.read_csv("train.csv")', notebook: 'n' },
      { id: 'd', source: DEEP_CELL, notebook: 'n' },
      { id: 'e', source: 'df.head()', notebook: 'n' },
    ],
  );
  assert.deepEqual(
    out.map((l) => l.id),
    ['a', 'b', 'c', 'd', 'e'],
  );
  for (const i of [0, 2, 4]) assert.deepEqual(Object.keys(out[i]!), ['id', 'stage', 'probs']);
  assert.deepEqual(out[1], { id: 'b', error: `cell is ${MEGA_CELL.length} characters, over the limit of ${MAX_CELL_CHARS} characters per cell` });
  assert.match(String(out[3]!.error), /^cell nests \d+ levels deep, over the limit of 1000$/);
});

test('the app: ml.suggest refuses a cell over the size limit at the edge, and the worker a cell nested too deep, with clear errors', async () => {
  const ml = new MlService(() => undefined);
  const handlers = {
    'ml.suggest': (p: { cells: string[]; top?: number }) => ml.suggest(p.cells, p.top ?? 3),
    'ml.classify': (p: { sources: string[]; notebook?: boolean }) => ml.classify(p.sources, p.notebook),
  } as unknown as Handlers;
  const dispatch = createRouter(handlers);
  await assert.rejects(dispatch('ml.suggest', { cells: ['import pandas as pd', MEGA_CELL] }), {
    message: 'invalid parameters for ml.suggest: cells.1: a cell is over the limit of 200000 characters per cell for stages and suggestions',
  });
  await assert.rejects(dispatch('ml.suggest', { cells: ['import pandas as pd', DEEP_CELL] }), {
    message: /^cell 2 nests \d+ levels deep, over the limit of 1000$/,
  });
  await assert.rejects(dispatch('ml.classify', { sources: [DEEP_CELL], notebook: true }), {
    message: /^cell 1 nests \d+ levels deep, over the limit of 1000$/,
  });
  // And the worker goes on answering.
  const ok = (await dispatch('ml.classify', { sources: ['import pandas as pd'] })) as Array<{ stage: string }>;
  assert.equal(ok[0]!.stage, 'import');
});

test('the tree walks that overflowed are loops now: 50,000 levels deep, no stack overflow', () => {
  const deepSum = `x = ${Array.from({ length: 50_000 }, (_, i) => `f${i}(a)`).join('+')}`;
  const tree = parsePython(deepSum);
  const stmt = tree.rootNode.namedChildren[0]!;
  const names: string[] = [];
  readNames(stmt, names);
  assert.equal(names.length, 100_001);
  assert.deepEqual(names.slice(0, 4), ['x', 'f0', 'a', 'f1'], 'in source order');
  assert.equal(keyOf(stmt, new Map()).length, 50_000);
  const chain = parsePython(`df${'.a'.repeat(50_000)}`).rootNode.namedChildren[0]!.namedChildren[0]!;
  assert.equal(dottedChain(chain)?.length, 50_001);
  assert.ok(syntaxDepth(DEEP_CELL) > 20_000);
  assert.equal(cellLimitError('x = 1'), null);
});
