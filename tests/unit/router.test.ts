import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ZodType } from 'zod';
import { createRouter, RequestError, resultChecksOn, type Handlers } from '../../main/host/router.ts';
import { METHOD_NAMES, methods } from '../../preload/contract.ts';

const calls: unknown[] = [];
const handlers = new Proxy(
  {},
  {
    get: (_t, name) => async (p: unknown) => {
      calls.push([name, p]);
      if (name === 'notebook.recent') throw new Error('disk exploded');
      return { ok: true, name };
    },
  },
) as unknown as Handlers;

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
  await assert.rejects(
    dispatch('notebook.open', { path: 5 }),
    (e: unknown) => e instanceof RequestError && e.code === 'bad-params' && /path/.test(e.message),
  );
  await assert.rejects(
    dispatch('notebook.save', { path: '/x.ipynb', doc: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }, expectedMtimeMs: 'soon' }),
    (e: unknown) => e instanceof RequestError && e.code === 'bad-params' && /expectedMtimeMs/.test(e.message),
  );
  assert.equal(calls.length, 0);
});

test('valid call reaches handler; handler errors map to failed', async () => {
  // These fake handlers answer every method with the same made-up object, so this test turns the result checks off.
  const dispatch = createRouter(handlers, undefined, { checkResults: false });
  assert.deepEqual(await dispatch('notebook.open', { path: '/tmp/a.ipynb' }), { ok: true, name: 'notebook.open' });
  assert.deepEqual(calls.at(-1), ['notebook.open', { path: '/tmp/a.ipynb' }]);
  assert.deepEqual(await dispatch('app.info', undefined), { ok: true, name: 'app.info' });
  await assert.rejects(
    dispatch('notebook.recent', {}),
    (e: unknown) => e instanceof RequestError && e.code === 'failed' && e.message === 'disk exploded',
  );
});

test('outside production a result that does not match the contract fails, naming the method and the field', async () => {
  const answers: Record<string, unknown> = {
    'kernel.execute': { status: 'ok', executionCount: 3, durationMs: '12 ms' },
    'ml.suggest': { stage: 'import', suggestions: [{ text: 'import numpy as np', score: 0.5, evidence: { count: 2 } }] },
    'files.list': [{ name: 'a.ipynb', path: '/w/a.ipynb', kind: 'notebook', size: 10, mtimeMs: 1 }],
    'kernel.interrupt': { ok: true, extra: 'kept' },
  };
  const fake = new Proxy({}, { get: (_t, name) => async () => answers[String(name)] }) as unknown as Handlers;
  const logs: string[] = [];
  const dispatch = createRouter(fake, (l) => logs.push(l), { checkResults: true });
  await assert.rejects(
    dispatch('kernel.execute', { kernelId: 'k', cellId: 'c', code: 'pass' }),
    (e: unknown) => e instanceof RequestError && e.code === 'bad-result' && /^kernel\.execute returned .*durationMs: /.test(e.message),
  );
  await assert.rejects(
    dispatch('ml.suggest', { cells: ['import'] }),
    (e: unknown) => e instanceof RequestError && e.code === 'bad-result' && e.message.includes('suggestions.0.evidence.total'),
  );
  await assert.rejects(
    dispatch('notebook.recent', {}),
    (e: unknown) => e instanceof RequestError && /notebook\.recent .*\(the result\)/.test(e.message),
  );
  assert.equal(logs.length, 3);
  // A matching result comes back as the very object the handler made, extra keys included.
  assert.deepEqual(await dispatch('files.list', { dir: '/w' }), answers['files.list']);
  assert.equal(await dispatch('kernel.interrupt', { kernelId: 'k' }), answers['kernel.interrupt']);
  // Off, the same mismatch passes through untouched.
  const unchecked = createRouter(fake, undefined, { checkResults: false });
  assert.deepEqual(await unchecked('kernel.execute', { kernelId: 'k', cellId: 'c', code: 'pass' }), answers['kernel.execute']);
});

test('result checks: on outside production, GDS_CHECK_RESULTS decides when set', () => {
  assert.equal(resultChecksOn({}), true);
  assert.equal(resultChecksOn({ NODE_ENV: 'test' }), true);
  assert.equal(resultChecksOn({ NODE_ENV: 'production' }), false);
  assert.equal(resultChecksOn({ NODE_ENV: 'production', GDS_CHECK_RESULTS: '1' }), true);
  assert.equal(resultChecksOn({ GDS_CHECK_RESULTS: '0' }), false);
});

test('every method of the contract has a real result schema: nothing at all, or a bare string, is refused', () => {
  for (const name of METHOD_NAMES) {
    const schema = methods[name].result as ZodType;
    assert.equal(schema.safeParse(undefined).success, false, `${name} accepts undefined`);
    assert.equal(schema.safeParse('x').success, false, `${name} accepts a string`);
  }
});
