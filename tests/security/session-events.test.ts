// A kernel's outputs and status reach only the tab that runs it, also after that tab reconnects.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, type Served } from '../helpers/serve.ts';
import { connect, type WsClient } from '../helpers/ws-client.ts';

let app: Served;
let a: WsClient;
let b: WsClient;
before(async () => {
  app = await serve();
  a = await connect(app, 'tab-a-0000000001');
  b = await connect(app, 'tab-b-0000000002');
});
after(async () => {
  a.close();
  b.close();
  await app.stop();
});

const kernelEvents = (c: WsClient, kernelId: string) => c.events.filter((e) => (e.payload as { kernelId?: string }).kernelId === kernelId);

test('outputs go to the tab that runs the kernel, not to every client', { timeout: 120_000 }, async () => {
  const { kernelId } = await a.call<{ kernelId: string }>('kernel.start', { name: 'python3' });
  await a.call('kernel.execute', { kernelId, cellId: 'c1', code: 'print("only-for-tab-a")' });
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(kernelEvents(a, kernelId).some((e) => e.event === 'kernel.output'), 'tab A sees its output');
  assert.deepEqual(kernelEvents(b, kernelId), [], 'tab B sees nothing of tab A\'s kernel');

  // Tab A's connection drops and comes back with the same tab id: its kernel's events follow it.
  a.close();
  a = await connect(app, 'tab-a-0000000001');
  const b2 = await connect(app);
  await a.call('kernel.execute', { kernelId, cellId: 'c3', code: 'print("third")' });
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(kernelEvents(a, kernelId).some((e) => e.event === 'kernel.output'));
  assert.deepEqual(kernelEvents(b, kernelId), []);
  assert.deepEqual(kernelEvents(b2, kernelId), []);
  b2.close();
  await a.call('kernel.shutdown', { kernelId });
});
