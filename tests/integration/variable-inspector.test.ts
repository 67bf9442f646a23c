// The variable inspector against a real jupyter server and ipykernel (issue #24): the list and a DataFrame's detail
// are silent (execution count, `_`, `Out` and the namespace stay as they were), fast on 10,000 names, never call a
// user object's repr, answer "busy" instead of hanging behind a running cell, and work on an attached server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Events, Output } from '../../preload/contract.ts';
import { KernelService } from '../../main/services/kernel-service.ts';
import { BUSY_TIMEOUT_MS, MAX_VARIABLES } from '../../main/services/variable-inspector.ts';
import { startJupyterServer } from '../../pipeline/jupyter/server-process.ts';

process.on('unhandledRejection', () => undefined); // as the app does (main/host/process-guards.ts)
const outputs: Array<{ cellId: string; output: Output }> = [];
const emit = <E extends keyof Events>(event: E, payload: Events[E]) => {
  if (event === 'kernel.output') outputs.push(payload as Events['kernel.output']);
};
const ks = new KernelService({ emit });
let kernelId = '';
let cells = 0;

/** Runs code as a cell and returns what it printed. */
async function run(code: string): Promise<{ count: number | null; text: string }> {
  const cellId = `c${++cells}`;
  const res = await ks.execute(kernelId, cellId, code);
  const error = outputs.find((o) => o.cellId === cellId && o.output.output_type === 'error')?.output;
  assert.equal(res.status, 'ok', `cell ${code.slice(0, 60)} failed: ${String(error?.ename)}: ${String(error?.evalue)}`);
  const text = outputs.filter((o) => o.cellId === cellId).map((o) => String(o.output.text ?? '')).join('');
  return { count: res.executionCount, text };
}

before(async () => {
  kernelId = await ks.start('python3');
  await run([
    'import pandas as pd, numpy as np',
    "df = pd.DataFrame({'age': [22.0, None, 35.0, 54.0, None, 2.0, 27.0], 'name': ['Ann', 'Bo', None, 'Cy', 'Di', 'Ed', 'Flo'],",
    "                   'when': pd.to_datetime(['2024-01-0' + str(i) for i in range(1, 8)])})",
    "ser = pd.Series([1, 2, None], name='score')",
    'arr = np.zeros((3, 4))',
    "x, s, items = 5, 'hello', [1, 2, 3]",
  ].join('\n'));
});
after(async () => {
  await ks.dispose();
});

test('lists user variables with type, shape or length, memory; leaves out modules, functions, classes, IPython names', async () => {
  await run('import os\nfrom numpy import sqrt\ndef f(): pass\nclass C: pass\n_private = 1');
  const res = await ks.variables(kernelId);
  assert.equal(res.answered, true);
  const by = new Map(res.variables.map((v) => [v.name, v]));
  assert.deepEqual([...by.keys()], ['arr', 'df', 'items', 's', 'ser', 'x'], 'sorted, and nothing else');
  assert.equal(res.total, 6);
  const df = by.get('df');
  assert.deepEqual(df, { name: 'df', type: 'DataFrame', shape: [7, 3], length: null, bytes: df?.bytes, dtype: null, value: null, kind: 'frame' });
  assert.ok((df?.bytes ?? 0) > 7 * 3 * 8, 'a frame\'s size is its data');
  assert.deepEqual(by.get('arr'), { name: 'arr', type: 'ndarray', shape: [3, 4], length: null, bytes: 96, dtype: 'float64', value: null, kind: null });
  assert.equal(by.get('ser')?.kind, 'series');
  assert.deepEqual(by.get('ser')?.shape, [3]);
  assert.equal(by.get('x')?.value, '5');
  assert.equal(by.get('s')?.value, "'hello'");
  assert.equal(by.get('s')?.length, 5);
  assert.equal(by.get('items')?.length, 3);
  assert.equal(by.get('items')?.value, null, 'containers show no value');
});

test('the requests are silent: execution count, `_`, `Out` and the namespace stay as they were', async () => {
  const first = await run('42');
  const mark = await run('names_before = set(globals())');
  for (let i = 0; i < 3; i++) {
    assert.equal((await ks.variables(kernelId)).answered, true);
    assert.equal((await ks.variable(kernelId, 'df')).found, true);
  }
  const check = await run("print(repr(_), len(Out), sorted(set(globals()) - names_before - {'names_before'}))");
  assert.equal(mark.count, (first.count ?? 0) + 1);
  assert.equal(check.count, (mark.count ?? 0) + 1, 'no execution count taken');
  // The only new name is IPython's record of the checking cell's own input.
  assert.equal(check.text.trim(), `42 1 ['_i${check.count}']`);
});

test('shadowed builtins in the user namespace do not break the requests', async () => {
  await run("len, type, str, sorted, list, globals, exec = 1, 'x', 2, 3, None, 4, 5");
  try {
    const res = await ks.variables(kernelId);
    assert.ok(res.variables.some((v) => v.name === 'df' && v.kind === 'frame'));
    assert.equal((await ks.variable(kernelId, 'df')).columns.length, 3);
  } finally {
    await run('del len, type, str, sorted, list, globals, exec');
  }
});

test('objects whose __repr__, __len__, __sizeof__ or __getattr__ are slow or raise are listed without calling them', async () => {
  await run([
    'import time',
    'class SlowRepr:',
    '    def __repr__(self): time.sleep(10); return "slow"',
    '    __str__ = __repr__',
    'class Raises:',
    '    def __repr__(self): raise RuntimeError("no repr")',
    '    def __getattr__(self, n): raise RuntimeError("no attributes")',
    'class BadRepr:',
    '    def __repr__(self): raise RuntimeError("no repr")',
    'class SlowList(list):',
    '    def __len__(self): time.sleep(10); return 0',
    '    def __repr__(self): time.sleep(10); return "[]"',
    'class SlowSize:',
    '    def __sizeof__(self): time.sleep(10); return 0',
    'class SlowInt(int):',
    '    def __repr__(self): time.sleep(10); return "0"',
    'slow, raises, slow_list, slow_size, slow_int = SlowRepr(), Raises(), SlowList([1]), SlowSize(), SlowInt(3)',
    "odd = pd.DataFrame({'o': [SlowRepr(), BadRepr(), [1, 2]]})",
  ].join('\n'));
  const t0 = performance.now();
  const res = await ks.variables(kernelId);
  const ms = performance.now() - t0;
  assert.equal(res.answered, true);
  const by = new Map(res.variables.map((v) => [v.name, v]));
  assert.equal(by.get('slow')?.type, 'SlowRepr');
  assert.equal(by.get('raises')?.type, 'Raises');
  assert.equal(by.get('slow_list')?.type, 'SlowList');
  assert.equal(by.get('slow_list')?.length, null, 'a Python __len__ is not called');
  assert.equal(by.get('slow_size')?.bytes, null, 'a Python __sizeof__ is not called');
  assert.equal(by.get('slow_int')?.value, null, 'only exact builtin scalars show a value');
  assert.ok(ms < 3000, `answered in ${ms.toFixed(0)} ms`);
  const t1 = performance.now();
  const odd = await ks.variable(kernelId, 'odd');
  assert.deepEqual(odd.rows, [['<SlowRepr>'], ['<BadRepr>'], ['<list, 2 items>']]);
  assert.ok(performance.now() - t1 < 3000);
  await run('del slow, raises, slow_list, slow_size, slow_int, odd');
});

test('DataFrame detail: columns with dtypes and null counts, the first five rows as text', async () => {
  const d = await ks.variable(kernelId, 'df');
  assert.equal(d.answered, true);
  assert.equal(d.found, true);
  assert.equal(d.type, 'DataFrame');
  assert.deepEqual(d.shape, [7, 3]);
  assert.deepEqual(d.columns, [
    { name: 'age', dtype: 'float64', nulls: 2 },
    { name: 'name', dtype: 'object', nulls: 1 },
    { name: 'when', dtype: 'datetime64[ns]', nulls: 0 },
  ]);
  assert.equal(d.columnsTotal, 3);
  assert.deepEqual(d.index, ['0', '1', '2', '3', '4']);
  assert.deepEqual(d.rows[0], ['22.0', 'Ann', '2024-01-01 00:00:00']);
  assert.deepEqual(d.rows[1], ['nan', 'Bo', '2024-01-02 00:00:00']);
  assert.deepEqual(d.rows[2]?.[1], 'None');
  const s = await ks.variable(kernelId, 'ser');
  assert.deepEqual(s.columns, [{ name: 'score', dtype: 'float64', nulls: 1 }]);
  assert.deepEqual(s.rows, [['1.0'], ['2.0'], ['nan']]);
  // Wide frames and long cells are cut; a name that is gone (or never was, or is not a name) is not found.
  await run("wide = pd.DataFrame({f'c{i}': ['x' * 100] for i in range(300)})");
  const w = await ks.variable(kernelId, 'wide');
  assert.equal(w.columns.length, 200);
  assert.equal(w.columnsTotal, 300);
  assert.equal(w.rows[0]?.[0], `${'x'.repeat(39)}…`);
  assert.equal((await ks.variable(kernelId, 'no_such_name')).found, false);
  assert.equal((await ks.variable(kernelId, 'x"); import os; ("')).found, false);
  await run('del wide');
});

test('10,000 names: at most 2,000 travel, data first, in well under a second', async (t) => {
  await run([
    'for _n in range(10_000): globals()[f"v{_n:05d}"] = _n',
    "frames = {f'zz_frame{i}': pd.DataFrame({'a': range(100)}) for i in range(20)}",
    'globals().update(frames)',
    'del _n',
  ].join('\n'));
  const times: number[] = [];
  const inKernel: number[] = [];
  let res = await ks.variables(kernelId);
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    res = await ks.variables(kernelId);
    times.push(performance.now() - t0);
    inKernel.push(res.kernelMs ?? NaN);
  }
  // The floor on this machine at this moment: a cell that does nothing, through the same connection.
  const floor: number[] = [];
  for (let i = 0; i < 5; i++) floor.push((await ks.execute(kernelId, `p${i}`, 'pass')).durationMs);
  const at = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
  const median = at(times, 0.5);
  t.diagnostic(`10,000 names, n=15: round trip median ${median.toFixed(1)} ms, p95 ${at(times, 0.95).toFixed(1)} ms, `
    + `max ${at(times, 1).toFixed(1)} ms; in the kernel median ${at(inKernel, 0.5).toFixed(1)} ms; execute('pass') median ${at(floor, 0.5)} ms`);
  assert.equal(res.answered, true);
  assert.ok(res.total >= 10_026, `total ${res.total}`);
  assert.equal(res.variables.length, MAX_VARIABLES);
  assert.equal(res.variables.filter((v) => v.name.startsWith('zz_frame')).length, 20, 'data comes first when the list is capped');
  assert.ok(median < 1000, `median ${median} ms`);
  await run("for _n in [n for n in globals() if n.startswith(('v0', 'v1', 'zz_frame'))]: del globals()[_n]\ndel frames");
});

test('a busy kernel answers "not now" within a second or so, and is not sent a second request meanwhile', async () => {
  const busy = ks.execute(kernelId, 'busy', 'import time; time.sleep(4)');
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  const res = await ks.variables(kernelId);
  const ms = performance.now() - t0;
  assert.equal(res.answered, false);
  assert.ok(ms < BUSY_TIMEOUT_MS + 1000, `gave up after ${ms.toFixed(0)} ms`);
  const t1 = performance.now();
  assert.equal((await ks.variable(kernelId, 'df')).answered, false);
  assert.ok(performance.now() - t1 < 100, 'the second request is answered at once, without queueing behind the first');
  assert.equal((await busy).status, 'ok');
  // Once the kernel has answered the queued request, it is asked again.
  for (let i = 0; i < 50 && !(await ks.variables(kernelId)).answered; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal((await ks.variables(kernelId)).answered, true);
});

test('works against an attached Jupyter server', async () => {
  const remote = await startJupyterServer();
  const attached = new KernelService({ emit: () => undefined, attachUrl: `${remote.baseUrl}?token=${remote.settings.token}` });
  try {
    const id = await attached.start('python3');
    assert.equal((await attached.execute(id, 'a1', "import pandas as pd\nremote_df = pd.DataFrame({'k': [1, None]})")).status, 'ok');
    const res = await attached.variables(id);
    assert.deepEqual(res.variables.map((v) => [v.name, v.kind, v.shape]), [['remote_df', 'frame', [2, 1]]]);
    assert.deepEqual((await attached.variable(id, 'remote_df')).columns, [{ name: 'k', dtype: 'float64', nulls: 1 }]);
  } finally {
    await attached.dispose();
    await remote.dispose();
  }
});
