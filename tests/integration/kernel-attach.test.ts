// Attaching to a Jupyter server the user names: bad tokens are refused, kernels then run on that server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelService } from '../../main/services/kernel-service.ts';
import { startJupyterServer, type JupyterServerHandle } from '../../pipeline/jupyter/server-process.ts';

let remote: JupyterServerHandle;
const ks = new KernelService({ emit: () => undefined });
process.on('unhandledRejection', () => undefined); // as the app does (main/host/process-guards.ts)

before(async () => {
  remote = await startJupyterServer();
});
after(async () => {
  await ks.dispose();
  await remote.dispose();
});

const kernelsOn = async (h: JupyterServerHandle) =>
  ((await (await fetch(`${h.baseUrl}api/kernels`, { headers: { Authorization: `token ${h.settings.token}` } })).json()) as Array<{ id: string }>).map(
    (k) => k.id,
  );

test('a wrong token is refused with a clear error', async () => {
  await assert.rejects(ks.attach(`${remote.baseUrl}?token=wrong`), /refused the token/);
  await assert.rejects(ks.attach('http://127.0.0.1:9/?token=x'), /cannot reach the Jupyter server/);
});

test('after attaching, kernels start and run on the named server; null goes back to our own', async () => {
  const res = await ks.attach(`${remote.baseUrl}?token=${remote.settings.token}`);
  assert.equal(res.server, 'attached');
  assert.equal(res.baseUrl, remote.baseUrl);
  const id = await ks.start('python3');
  assert.ok((await kernelsOn(remote)).includes(id), 'the kernel lives on the attached server');
  assert.equal((await ks.execute(id, 'c', 'print(1)')).status, 'ok');
  const back = await ks.attach(null);
  assert.equal(back.server, 'own');
  assert.notEqual(back.baseUrl, remote.baseUrl);
  assert.ok(!(await kernelsOn(remote)).includes(id), 'switching away shut the attached kernel down');
});
