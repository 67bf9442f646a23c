// The web host opens, saves and lists notebooks only inside the workspace: no path, symlink or error message leads out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type Served } from '../helpers/serve.ts';
import { connect, type WsClient } from '../helpers/ws-client.ts';

let app: Served;
let client: WsClient;
const work = mkdtempSync(join(tmpdir(), 'gds-ws-'));
const outside = mkdtempSync(join(tmpdir(), 'gds-outside-'));
const nb = {
  cells: [{ id: 'a1', cell_type: 'code', source: 'x = 1', metadata: {}, outputs: [], execution_count: null }],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
};

before(async () => {
  writeFileSync(join(work, 'ok.ipynb'), JSON.stringify(nb));
  writeFileSync(join(outside, 'secret.ipynb'), JSON.stringify(nb));
  writeFileSync(join(outside, 'secret.txt'), 'TOP-SECRET-CONTENT\n');
  symlinkSync(outside, join(work, 'link-out'));
  symlinkSync(join(outside, 'secret.txt'), join(work, 'secret-link.ipynb'));
  app = await serve({ args: ['--workspace', work] });
  client = await connect(app);
});
after(async () => {
  client.close();
  await app.stop();
});

const refused = async (p: Promise<unknown>, reason = /outside the workspace/) => {
  const err = await p.then(
    () => null,
    (e: Error) => e,
  );
  assert.ok(err, 'the call must be refused');
  assert.match(err.message, reason);
  assert.doesNotMatch(err.message, /TOP-SECRET|root:/);
};

test('a notebook inside the workspace opens and saves', async () => {
  const opened = await client.call<{ path: string }>('notebook.open', { path: join(work, 'ok.ipynb') });
  assert.equal(opened.path, join(work, 'ok.ipynb'));
  const res = await client.call<{ written: boolean }>('notebook.save', { path: join(work, 'new.ipynb'), doc: nb, expectedMtimeMs: null });
  assert.equal(res.written, true);
});

test('open refuses any file outside the workspace and never echoes its contents', async () => {
  await refused(client.call('notebook.open', { path: '/etc/passwd' }));
  await refused(client.call('notebook.open', { path: join(outside, 'secret.txt') }));
  await refused(client.call('notebook.open', { path: join(work, '..', outside.split('/').pop()!, 'secret.ipynb') }));
});

test('symlinks are resolved before the check', async () => {
  await refused(client.call('notebook.open', { path: join(work, 'link-out', 'secret.ipynb') }));
  await refused(client.call('notebook.open', { path: join(work, 'secret-link.ipynb') }));
  await refused(client.call('notebook.save', { path: join(work, 'link-out', 'planted.ipynb'), doc: nb, expectedMtimeMs: null, force: true }));
  assert.equal(existsSync(join(outside, 'planted.ipynb')), false);
  await refused(client.call('notebook.save', { path: join(work, 'secret-link.ipynb'), doc: nb, expectedMtimeMs: null, force: true }));
  assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'TOP-SECRET-CONTENT\n');
});

test('save, journal and watch refuse paths outside; recent lists only workspace files', async () => {
  await refused(client.call('notebook.save', { path: join(outside, 'x.ipynb'), doc: nb, expectedMtimeMs: null }));
  await refused(client.call('notebook.save', { path: '/tmp/../etc/gds.ipynb', doc: nb, expectedMtimeMs: null, force: true }));
  await refused(client.call('notebook.journal', { key: join(outside, 'x.ipynb'), doc: nb }));
  await refused(client.call('notebook.watch', { path: join(outside, 'secret.txt') }));
  const recent = await client.call<string[]>('notebook.recent');
  assert.ok(
    recent.every((p) => p.startsWith(work)),
    recent.join(', '),
  );
});

test('the file browser lists, makes, renames, copies, trashes and uploads only inside the workspace', async () => {
  const roots = await client.call<string[]>('files.roots');
  assert.ok(roots.includes(work), roots.join(', '));
  const listed = await client.call<{ name: string }[]>('files.list', { dir: work });
  assert.ok(listed.some((e) => e.name === 'ok.ipynb'));
  assert.ok(!listed.some((e) => e.name === 'link-out' || e.name === 'secret-link.ipynb'), 'links that lead out are not listed');
  const b64 = Buffer.from('planted').toString('base64');
  await refused(client.call('files.list', { dir: outside }));
  await refused(client.call('files.list', { dir: join(work, 'link-out') }));
  await refused(client.call('files.list', { dir: '/etc' }));
  await refused(client.call('files.newNotebook', { dir: join(work, 'link-out') }));
  await refused(client.call('files.rename', { from: join(work, 'ok.ipynb'), to: join(outside, 'moved.ipynb') }));
  await refused(client.call('files.rename', { from: join(work, 'link-out', 'secret.ipynb'), to: join(work, 'stolen.ipynb') }));
  await refused(client.call('files.duplicate', { path: join(work, 'secret-link.ipynb') }));
  await refused(client.call('files.duplicate', { path: join(outside, 'secret.txt') }));
  await refused(client.call('files.trash', { path: join(outside, 'secret.txt') }));
  await refused(client.call('files.trash', { path: join(work, 'link-out', 'secret.txt') }));
  await refused(client.call('files.upload', { dir: join(work, 'link-out'), name: 'planted.txt', base64: b64 }));
  await refused(client.call('files.upload', { dir: outside, name: 'planted.txt', base64: b64 }));
  await refused(client.call('files.upload', { dir: work, name: '../planted.txt', base64: b64 }), /not a plain name/);
  await refused(client.call('files.restore', { trashId: '../../../etc' }), /not a trash id/);
  assert.deepEqual(readdirSync(outside).sort(), ['secret.ipynb', 'secret.txt']);
  assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'TOP-SECRET-CONTENT\n');
});
