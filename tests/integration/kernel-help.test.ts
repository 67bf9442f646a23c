// Code help against a real jupyter server and ipykernel: completion with types, inspection with signatures,
// both silent (the execution count does not move), and an empty answer, not a hang, from a busy kernel.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelService } from '../../main/services/kernel-service.ts';
import { complete, HELP_TIMEOUT_MS, inspect, stripAnsi, toCodePoints, toUtf16 } from '../../main/services/kernel-help.ts';

process.on('unhandledRejection', () => undefined); // as the app does (main/host/process-guards.ts)
const ks = new KernelService({ emit: () => undefined });
let kernelId = '';
const conn = () => ks.connection(kernelId);

before(async () => {
  kernelId = await ks.start('python3');
  const setup = await ks.execute(kernelId, 'setup', "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2], 'b': [3, 4]})");
  assert.equal(setup.status, 'ok');
});
after(async () => {
  await ks.dispose();
});

test('completion of df.gro offers groupby, typed as a function with its signature', async (t) => {
  const code = 'df.gro';
  const first = await complete(conn(), code, code.length, 30_000); // the first completion warms jedi up (slow on a loaded machine)
  const t0 = performance.now();
  const res = await complete(conn(), code, code.length);
  const ms = performance.now() - t0;
  assert.deepEqual(res, first);
  const groupby = res.matches.find((m) => m.text === 'groupby');
  assert.ok(groupby, `groupby among ${JSON.stringify(res.matches.map((m) => m.text))}`);
  assert.equal(groupby.type, 'function');
  assert.match(groupby.signature ?? '', /^\(.*by/);
  assert.equal(code.slice(res.cursorStart, res.cursorEnd), 'gro', 'the span to replace is the typed prefix');
  t.diagnostic(`warm completion round trip ${ms.toFixed(1)} ms`);
});

test('completion types: modules, classes and keywords keep their kind', async () => {
  const mods = await complete(conn(), 'import json\njso', 15);
  assert.equal(mods.matches.find((m) => m.text === 'json')?.type, 'module');
  const cls = await complete(conn(), 'pd.DataFr', 9);
  assert.equal(cls.matches.find((m) => m.text === 'DataFrame')?.type, 'class');
  const kw = await complete(conn(), 'whil', 4);
  assert.equal(kw.matches.find((m) => m.text === 'while')?.type, 'keyword');
});

test('the span is counted in UTF-16 units even after characters outside the BMP', async () => {
  const code = 's = "😀😀"; df.gro';
  const res = await complete(conn(), code, code.length);
  assert.ok(res.matches.some((m) => m.text === 'groupby'));
  assert.equal(code.slice(res.cursorStart, res.cursorEnd), 'gro');
  assert.equal(toCodePoints(code, code.length), code.length - 2);
  assert.equal(toUtf16(code, code.length - 2), code.length);
});

test('inspect of pd.read_csv gives its signature as plain text (no ANSI colours)', async () => {
  const code = 'pd.read_csv(';
  const brief = await inspect(conn(), code, code.length - 1, 0);
  assert.ok(brief.found);
  assert.match(brief.text, /filepath_or_buffer/);
  assert.doesNotMatch(brief.text, /\u001b/);
  // Inside the call's parentheses the kernel inspects the called function.
  const inside = await inspect(conn(), code, code.length, 0);
  assert.match(inside.text, /filepath_or_buffer/);
  const none = await inspect(conn(), 'no_such_name_xyz', 5, 0);
  assert.deepEqual(none, { found: false, text: '' });
});

test('stripAnsi removes colour codes and keeps text', () => {
  assert.equal(stripAnsi('\u001b[0;31mSignature:\u001b[0m read_csv(\u001b[1mx\u001b[0m)'), 'Signature: read_csv(x)');
});

test('completion and inspection are silent: the execution count does not move', async () => {
  const before = await ks.execute(kernelId, 'c1', '1');
  for (let i = 0; i < 3; i++) {
    await complete(conn(), 'df.gro', 6);
    await inspect(conn(), 'pd.read_csv', 5, 1);
  }
  const after = await ks.execute(kernelId, 'c2', '2');
  assert.equal(after.executionCount, (before.executionCount ?? 0) + 1);
});

test('a busy kernel answers empty within the timeout, without error, and is not flooded', async () => {
  const run = ks.execute(kernelId, 'busy', 'import time\ntime.sleep(4)');
  await new Promise((r) => setTimeout(r, 300));
  const t = performance.now();
  const res = await complete(conn(), 'df.gro', 6); // the kernel says it is busy: the short timeout applies
  const waited = performance.now() - t;
  assert.deepEqual(res.matches, []);
  assert.ok(waited >= HELP_TIMEOUT_MS - 50 && waited < HELP_TIMEOUT_MS + 500, `answered after ${waited.toFixed(0)} ms`);
  // While that request is still queued in the kernel, further help answers at once instead of queuing more.
  const t2 = performance.now();
  assert.deepEqual(await inspect(conn(), 'pd.read_csv', 5, 0), { found: false, text: '' });
  assert.ok(performance.now() - t2 < 100);
  assert.equal((await run).status, 'ok');
  // Once the kernel has answered the queued request, help works again.
  let again = await complete(conn(), 'df.gro', 6);
  for (let i = 0; i < 20 && !again.matches.length; i++) {
    await new Promise((r) => setTimeout(r, 100));
    again = await complete(conn(), 'df.gro', 6);
  }
  assert.ok(again.matches.some((m) => m.text === 'groupby'));
});
