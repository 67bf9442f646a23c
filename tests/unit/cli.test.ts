// The `gds` command line: help lists the commands, doctor reports, bad input gives a clear error and exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/serve.ts';

const gds = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin/gds.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });

test('gds --help lists serve and doctor', () => {
  const r = gds('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /serve/);
  assert.match(r.stdout, /doctor/);
});

test('gds doctor --json reports Python, Jupyter and the ONNX providers', () => {
  const r = gds('doctor', '--json');
  const checks = JSON.parse(r.stdout) as Array<{ name: string; ok: boolean; detail: string; fix?: string }>;
  const by = (n: string) => checks.find((c) => c.name === n);
  assert.equal(by('jupyter_server')?.ok, true);
  assert.equal(by('ipykernel')?.ok, true);
  assert.match(by('onnxruntime')?.detail ?? '', /cpu/);
  for (const c of checks) if (!c.ok) assert.ok(c.fix, `${c.name} has a fix`);
});

test('gds serve with a missing file fails with a clear message', () => {
  const r = gds('serve', '/nonexistent/x.ipynb');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /does not exist/);
});

test('gds serve without a built renderer exits with the reason and leaves no Jupyter server behind', () => {
  const servers = () => spawnSync('pgrep', ['-f', 'jupyter_server'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const before = new Set(servers());
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/gds.mjs'), 'serve'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, GDS_RENDERER_DIR: '/nonexistent/gds-renderer', GDS_HOME: mkdtempSync(join(tmpdir(), 'gds-home-')) },
  });
  assert.equal(r.signal, null, 'it exits on its own (it used to hang on the Jupyter server it had started)');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /renderer is not built/);
  // The Jupyter server it had started is stopped before it exits.
  assert.deepEqual(servers().filter((pid) => !before.has(pid)), []);
});

test('an unknown command is an error', () => {
  const r = gds('frobnicate');
  assert.notEqual(r.status, 0);
});
