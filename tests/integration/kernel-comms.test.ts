// Widget comms against a real jupyter server and ipykernel (issue #23): the kernel's widget comms reach the UI as
// `kernel.comm` events, the UI's messages change the widgets in the kernel, Output widgets capture, restarts close.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { CommMessage, Events, Output } from '../../preload/contract.ts';
import { KernelComms } from '../../main/services/kernel-comms.ts';
import { KernelService } from '../../main/services/kernel-service.ts';
import { findPython } from '../../pipeline/jupyter/python-env.ts';

type Ev = { [E in keyof Events]: { event: E; payload: Events[E] } }[keyof Events];
const events: Ev[] = [];
process.on('unhandledRejection', () => undefined); // as the app does (main/host/process-guards.ts)
const emit = <E extends keyof Events>(event: E, payload: Events[E]) => void events.push({ event, payload } as Ev);
const ks = new KernelService({ emit });
const comms = new KernelComms(emit);
ks.onConnection((id, conn) => comms.attach(id, conn));
let kernelId = '';

const python = await findPython().catch(() => null);
const widgetsMissing = !python
  ? 'no Python with jupyter_server and ipykernel (bash scripts/setup.sh installs them)'
  : spawnSync(python.path, ['-c', 'import ipywidgets, tqdm'], { timeout: 60_000 }).status !== 0
    ? `ipywidgets or tqdm is not installed in ${python.path} (bash scripts/setup.sh installs python3-ipywidgets and python3-tqdm)`
    : false;

const waitFor = async <T>(fn: () => T | undefined | null | false, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};
const commEvents = () => events.flatMap((e) => (e.event === 'kernel.comm' ? [e.payload] : []));
const outputsOf = (cellId: string): Output[] =>
  events.flatMap((e) => (e.event === 'kernel.output' && e.payload.cellId === cellId ? [e.payload.output] : []));
/** ipywidgets 6 opens with the state as data; 7 and 8 wrap it in `state`. */
const stateOf = (m: CommMessage): Record<string, unknown> =>
  typeof m.data.state === 'object' && m.data.state !== null ? (m.data.state as Record<string, unknown>) : m.data;
const opened = (modelName: string, after = 0) =>
  commEvents()
    .slice(after)
    .find((m) => m.kind === 'open' && stateOf(m)._model_name === modelName);
const isV1 = (m: CommMessage) => stateOf(m)._model_module === 'jupyter-js-widgets';
/** A state change from the UI, in the widget's protocol. */
const update = (m: CommMessage, state: Record<string, unknown>) =>
  isV1(m) ? { method: 'backbone', sync_data: state, buffer_keys: [] } : { method: 'update', state, buffer_paths: [] };
const printed = (cellId: string) =>
  outputsOf(cellId)
    .filter((o) => o.output_type === 'stream')
    .map((o) => String(o.text))
    .join('');

before(async () => {
  if (widgetsMissing) return;
  kernelId = await ks.start('python3');
});
after(async () => {
  await ks.dispose();
});

test('an IntSlider opens a widget comm: kernel.comm carries its state, the output names its model', { skip: widgetsMissing }, async () => {
  const res = await ks.execute(kernelId, 's1', 'import ipywidgets as w\ns = w.IntSlider(value=3, min=0, max=10, description="n")\ndisplay(s)');
  assert.equal(res.status, 'ok');
  const open = await waitFor(() => opened('IntSliderModel'));
  assert.equal(open.kernelId, kernelId);
  assert.equal(open.targetName, 'jupyter.widget');
  const state = stateOf(open);
  assert.equal(state.value, 3);
  assert.equal(state.max, 10);
  assert.equal(state.description, 'n');
  const views = outputsOf('s1').flatMap((o) => {
    const ref = (o.data as Record<string, { model_id?: unknown } | undefined> | undefined)?.['application/vnd.jupyter.widget-view+json'];
    return ref ? [ref.model_id] : [];
  });
  assert.deepEqual(views, [open.commId], 'the display output names the model in the widget view mime');
  // ipywidgets 6 would print "Widget Javascript not detected" until a front-end answered its version check.
  assert.equal(outputsOf('s1').filter((o) => o.output_type === 'stream').length, 0, `no stderr warning: ${printed('s1')}`);
});

test('a commSend update changes the value in the kernel, and a kernel-side change comes back as an update', { skip: widgetsMissing }, async () => {
  const open = opened('IntSliderModel')!;
  comms.send(ks.connection(kernelId), open.commId, update(open, { value: 7 }), []);
  assert.equal((await ks.execute(kernelId, 's2', 'print(s.value)')).status, 'ok');
  assert.equal(printed('s2').trim(), '7');
  const seen = commEvents().length;
  await ks.execute(kernelId, 's3', 's.value = 9');
  const msg = await waitFor(() =>
    commEvents()
      .slice(seen)
      .find((m) => m.kind === 'msg' && m.commId === open.commId && m.data.method === 'update'),
  );
  assert.equal(stateOf(msg).value, 9);
});

test('a Button click (a custom message) runs its on_click callback', { skip: widgetsMissing }, async () => {
  const seen = commEvents().length;
  await ks.execute(kernelId, 'b1', 'clicks = []\nb = w.Button(description="go")\nb.on_click(lambda _: clicks.append(1))\ndisplay(b)');
  const open = await waitFor(() => opened('ButtonModel', seen));
  comms.send(ks.connection(kernelId), open.commId, { method: 'custom', content: { event: 'click' } }, []);
  await ks.execute(kernelId, 'b2', 'print(len(clicks))');
  assert.equal(printed('b2').trim(), '1');
});

test('a tqdm.notebook loop runs; its progress bar counts up to the total and ends as success', { skip: widgetsMissing }, async () => {
  const seen = commEvents().length;
  const res = await ks.execute(kernelId, 't1', 'from tqdm.notebook import tqdm\nimport time\nfor i in tqdm(range(5)): time.sleep(0.12)');
  assert.equal(res.status, 'ok', JSON.stringify(outputsOf('t1')).slice(0, 2000));
  const bar = opened('ProgressModel', seen) ?? opened('FloatProgressModel', seen);
  assert.ok(bar, 'a progress model opened');
  assert.equal(stateOf(bar).max, 5);
  const updates = commEvents()
    .slice(seen)
    .filter((m) => m.kind === 'msg' && m.commId === bar.commId)
    .map(stateOf);
  const values = updates.flatMap((s) => (typeof s.value === 'number' ? [s.value] : []));
  assert.ok(values.length >= 2, `the bar moved several times: ${values.join(',')}`);
  assert.deepEqual(
    values,
    [...values].sort((a, b) => a - b),
    'values only grow',
  );
  assert.equal(values.at(-1), 5);
  assert.ok(updates.some((s) => s.bar_style === 'success'));
  assert.equal(outputsOf('t1').filter((o) => o.output_type === 'stream' || o.output_type === 'error').length, 0, 'no warning, no error');
});

test('an Output widget captures what `with out:` prints; the cell gets only what was printed outside', { skip: widgetsMissing }, async () => {
  const seen = commEvents().length;
  await ks.execute(kernelId, 'o1', 'out = w.Output()\ndisplay(out)\nwith out:\n    print("inside")\nprint("outside")');
  const open = await waitFor(() => opened('OutputModel', seen));
  const captured = await waitFor(() =>
    commEvents()
      .slice(seen)
      .find((m) => m.kind === 'msg' && m.commId === open.commId && Array.isArray(stateOf(m).outputs) && (stateOf(m).outputs as unknown[]).length),
  );
  assert.deepEqual(stateOf(captured).outputs, [{ output_type: 'stream', name: 'stdout', text: 'inside\n' }]);
  assert.equal(printed('o1'), 'outside\n');
});

test("a restart closes the kernel's widgets, and widgets work again on the fresh kernel", { skip: widgetsMissing }, async () => {
  const slider = opened('IntSliderModel')!;
  await ks.restart(kernelId);
  const close = await waitFor(() => commEvents().find((m) => m.kind === 'close' && m.commId === slider.commId));
  assert.equal(close.data.reason, 'kernel-gone', 'the UI is told the widget went with its kernel, not closed by it');
  assert.throws(() => comms.send(ks.connection(kernelId), slider.commId, update(slider, { value: 1 }), []), /no longer live/);
  const res = await ks.execute(kernelId, 'r1', 'from tqdm.notebook import tqdm\nfor i in tqdm(range(2)): pass');
  assert.equal(res.status, 'ok', JSON.stringify(outputsOf('r1')).slice(0, 2000));
  assert.equal(outputsOf('r1').filter((o) => o.output_type === 'stream' || o.output_type === 'error').length, 0);
});
