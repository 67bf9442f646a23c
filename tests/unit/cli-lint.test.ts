// `gds lint`: the editor's workflow checks on the command line, for CI. Exit 1 on findings, 0 on a clean notebook;
// findings the user ignored in the editor (kept in the notebook's metadata) stay ignored here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/serve.ts';

const gds = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/gds.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });
const fixture = join(repoRoot, 'tests/fixtures/guidance/creditcard-scale-before-split.ipynb');

interface Result { path: string; findings: Array<{ ruleId: string; cell: number; startLine: number; key: string; message: string }> }

test('gds lint reports the leak in the real notebook, with cell and line, and exits 1', () => {
  const r = gds('lint', fixture);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /creditcard-scale-before-split\.ipynb:cell 5:line 4: warning leak-fit-before-split: sc_amount \(StandardScaler\)/);
  assert.match(r.stdout, /1 finding\(s\) in 1 of 1 notebook\(s\)/);
});

test('gds lint --json gives the same findings as data; ignoring the key in the metadata clears them', () => {
  const r = gds('lint', '--json', fixture);
  assert.equal(r.status, 1);
  const [result] = JSON.parse(r.stdout) as Result[];
  assert.deepEqual(result?.findings.map((f) => [f.ruleId, f.cell, f.startLine]), [['leak-fit-before-split', 5, 4]]);

  const nb = JSON.parse(readFileSync(fixture, 'utf8')) as { metadata: Record<string, unknown> };
  nb.metadata.gds = { ignoredFindings: [result!.findings[0]!.key] };
  const copy = join(mkdtempSync(join(tmpdir(), 'gds-lint-')), 'ignored.ipynb');
  writeFileSync(copy, JSON.stringify(nb));
  const again = gds('lint', copy);
  assert.equal(again.status, 0, again.stdout);
  assert.match(again.stdout, /no findings in 1 notebook/);
});

test('gds lint without a notebook, or on a file that is not one, fails with a clear message', () => {
  assert.match(gds('lint').stderr, /name at least one notebook/);
  const bad = join(mkdtempSync(join(tmpdir(), 'gds-lint-')), 'bad.ipynb');
  writeFileSync(bad, 'not json');
  const r = gds('lint', bad);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /gds: /);
});

test('gds lint --rules lists every check', () => {
  const r = gds('lint', '--rules');
  assert.equal(r.status, 0);
  for (const id of ['leak-fit-before-split', 'leak-target-in-features', 'leak-fit-on-test', 'state-stale-edit']) assert.match(r.stdout, new RegExp(id));
});
