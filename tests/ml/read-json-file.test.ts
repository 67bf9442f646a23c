// JSON files read from disk are validated, and a bad one is named with the field that is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseJson, readJsonFile, unwalkedRecord } from '../../ml/read-json-file.ts';
import { readLabelModel } from '../../ml/classifier/saved-label-model.ts';
import { loadState } from '../../pipeline/jobs/state-file.ts';

const Schema = z.object({ kind: z.literal('x'), sizes: z.array(z.number()), table: unwalkedRecord<Record<string, number[]>>() });

test('readJsonFile returns the checked value, and names the file and the field when it is wrong', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-json-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'm.json');
  writeFileSync(file, JSON.stringify({ kind: 'x', sizes: [1, 2], table: { a: [1] } }));
  assert.deepEqual(readJsonFile(file, Schema).sizes, [1, 2]);
  writeFileSync(file, JSON.stringify({ kind: 'x', sizes: [1, 'two'], table: { a: [1] } }));
  assert.throws(() => readJsonFile(file, Schema), (e: Error) => e.message.startsWith(`${file}: sizes.1:`));
  writeFileSync(file, JSON.stringify({ kind: 'x', sizes: [], table: [] }));
  assert.throws(() => readJsonFile(file, Schema), /table: expected an object/);
  writeFileSync(file, '{"kind": ');
  assert.throws(() => readJsonFile(file, Schema), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
  assert.throws(() => parseJson('{}', Schema, 'shard.jsonl:7'), /^Error: shard\.jsonl:7: kind:/);
});

test('a model folder or run state with a wrong field fails at load, naming it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-json-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'label-model.json'), JSON.stringify({ lfNames: [], lfStages: [], prior: [1], theta: [], iterations: 1, useAbstains: false }));
  assert.throws(() => readLabelModel(dir), /label-model\.json: prior:/);
  const run = join(dir, 'run-1');
  mkdirSync(run);
  const state = { version: 1, runId: 'run-1', createdAt: '', updatedAt: '', status: 'sleeping', managerPid: null, options: {}, steps: [] };
  writeFileSync(join(run, 'state.json'), JSON.stringify(state));
  assert.throws(() => loadState(dir, 'run-1'), /run-1\/state\.json: status:/);
});
