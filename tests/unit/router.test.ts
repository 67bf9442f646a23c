import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRouter, RequestError, type Handlers } from '../../main/host/router.ts';

const calls: unknown[] = [];
const handlers = new Proxy({}, {
  get: (_t, name) => async (p: unknown) => {
    calls.push([name, p]);
    if (name === 'notebook.recent') throw new Error('disk exploded');
    return { ok: true, name };
  },
}) as unknown as Handlers;

test('unknown method refused', async () => {
  const logs: string[] = [];
  const dispatch = createRouter(handlers, (l) => logs.push(l));
  for (const m of ['nope', '__proto__', 'toString', 42, null]) {
    await assert.rejects(dispatch(m, {}), (e: unknown) => e instanceof RequestError && e.code === 'unknown-method');
  }
  assert.equal(logs.length, 5);
  assert.equal(calls.length, 0);
});

test('invalid params refused naming the field', async () => {
  const dispatch = createRouter(handlers);
  await assert.rejects(dispatch('notebook.open', { path: 5 }), (e: unknown) => e instanceof RequestError && e.code === 'bad-params' && /path/.test(e.message));
  await assert.rejects(dispatch('notebook.save', { path: '/x.ipynb', doc: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }, expectedMtimeMs: 'soon' }),
    (e: unknown) => e instanceof RequestError && e.code === 'bad-params' && /expectedMtimeMs/.test(e.message));
  assert.equal(calls.length, 0);
});

test('valid call reaches handler; handler errors map to failed', async () => {
  const dispatch = createRouter(handlers);
  assert.deepEqual(await dispatch('notebook.open', { path: '/tmp/a.ipynb' }), { ok: true, name: 'notebook.open' });
  assert.deepEqual(calls.at(-1), ['notebook.open', { path: '/tmp/a.ipynb' }]);
  assert.deepEqual(await dispatch('app.info', undefined), { ok: true, name: 'app.info' });
  await assert.rejects(dispatch('notebook.recent', {}), (e: unknown) => e instanceof RequestError && e.code === 'failed' && e.message === 'disk exploded');
});
