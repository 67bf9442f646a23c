import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelManager } from '@jupyterlab/services';
import { startJupyterServer } from '../../pipeline/jupyter/server-process.ts';
import { findPython } from '../../pipeline/jupyter/python-env.ts';

test('finds a Python with jupyter_server and ipykernel', async () => {
  const py = await findPython();
  assert.ok(py.packages.jupyter_server);
  assert.ok(py.packages.ipykernel);
});

test('starts a private jupyter server and runs code on a real kernel', async () => {
  const server = await startJupyterServer();
  try {
    const noToken = await fetch(`${server.baseUrl}api/kernels`);
    assert.equal(noToken.status, 403, 'the server must refuse requests without the token');
    const km = new KernelManager({ serverSettings: server.settings });
    const kernel = await km.startNew({ name: 'python3' });
    const future = kernel.requestExecute({ code: 'print(6 * 7)' });
    let text = '';
    future.onIOPub = (msg) => {
      if (msg.header.msg_type === 'stream') text += (msg.content as { text: string }).text;
    };
    const reply = await future.done;
    assert.equal(reply.content.status, 'ok');
    assert.equal(text.trim(), '42');
    await kernel.shutdown();
    km.dispose();
  } finally {
    await server.dispose();
  }
  assert.notEqual(await server.exited, undefined);
});
