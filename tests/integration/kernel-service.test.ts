// KernelService against a real jupyter server: stdin, display updates, clear_output, interrupts, deaths.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Events } from '../../preload/contract.ts';
import { KernelService } from '../../main/services/kernel-service.ts';

type Ev = { [E in keyof Events]: { event: E; payload: Events[E] } }[keyof Events];
const events: Ev[] = [];
const at: number[] = []; // arrival time of each event
process.on('unhandledRejection', () => undefined); // as the app does (main/host/process-guards.ts)
const ks = new KernelService({ emit: (event, payload) => at.push(Date.now()) && events.push({ event, payload } as Ev) });
let kernelId = '';

const waitFor = async <T>(fn: () => T | undefined, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};
const outputsOf = (cellId: string) =>
  events
    .filter((e): e is Extract<Ev, { event: 'kernel.output' }> => e.event === 'kernel.output' && e.payload.cellId === cellId)
    .map((e) => e.payload.output);

before(async () => {
  kernelId = await ks.start('python3');
});
after(async () => {
  await ks.dispose();
});

test('lists kernelspecs including python3', async () => {
  const specs = await ks.specs();
  assert.ok(specs.specs.some((s) => s.name === 'python3'));
});

test('frames() reads DataFrame columns silently: no execution count, no _ or Out entries', async () => {
  const setup = await ks.execute(kernelId, 'f1', "import pandas as pd\ntrain = pd.DataFrame({'Age': [1.5], 'Name': ['a']})\n42");
  assert.equal(setup.status, 'ok');
  const frames = await ks.frames(kernelId);
  const train = frames.find((f) => f.name === 'train');
  assert.deepEqual(train, { name: 'train', columns: ['Age', 'Name'], dtypes: ['float64', 'object'] });
  const after = await ks.execute(kernelId, 'f2', 'print(_, len(Out))');
  assert.equal(after.executionCount, (setup.executionCount ?? 0) + 1, 'the silent request took no execution count');
  assert.ok(
    outputsOf('f2').some((o) => String(o.text).startsWith('42 1')),
    "the last result and Out are the user's own",
  );
});

test('input() asks the UI and continues with the reply', async () => {
  const run = ks.execute(kernelId, 'in1', 'name = input("Your name: "); print("hi", name)');
  const ask = await waitFor(() => events.find((e) => e.event === 'kernel.input'));
  assert.equal(ask.event === 'kernel.input' && ask.payload.prompt, 'Your name: ');
  ks.inputReply(kernelId, 'Ada');
  assert.equal((await run).status, 'ok');
  assert.ok(outputsOf('in1').some((o) => String(o.text).includes('hi Ada')));
});

test('update_display_data and clear_output reach the UI', async () => {
  const code = [
    'from IPython.display import display, clear_output',
    'h = display("first", display_id=True)',
    'h.update("second")',
    'print("gone"); clear_output(wait=True); print("kept")',
  ].join('\n');
  assert.equal((await ks.execute(kernelId, 'd1', code)).status, 'ok');
  const upd = events.find((e) => e.event === 'kernel.updateDisplay');
  assert.ok(upd && upd.event === 'kernel.updateDisplay' && JSON.stringify(upd.payload.output).includes('second'));
  assert.ok(events.some((e) => e.event === 'kernel.clearOutput' && e.payload.cellId === 'd1' && e.payload.wait));
});

test('an error reply says error and carries the traceback', async () => {
  const res = await ks.execute(kernelId, 'e1', 'raise ValueError("bad value")');
  assert.equal(res.status, 'error');
  assert.ok(outputsOf('e1').some((o) => o.output_type === 'error' && o.ename === 'ValueError'));
});

test('interrupt stops a running cell', async () => {
  const run = ks.execute(kernelId, 'loop', 'import time\nwhile True: time.sleep(0.01)');
  await new Promise((r) => setTimeout(r, 1000));
  await ks.interrupt(kernelId);
  assert.equal((await run).status, 'error');
  assert.ok(outputsOf('loop').some((o) => o.ename === 'KeyboardInterrupt'));
});

test('a kernel that dies mid-run is reported within two seconds and its run ends', async () => {
  const before = events.length;
  const started = Date.now();
  const res = await ks.execute(kernelId, 'die', 'import os, sys, time; print("about to die"); sys.stdout.flush(); time.sleep(1); os._exit(1)');
  assert.notEqual(res.status, 'ok');
  const idx = await waitFor(() => {
    const i = events.findIndex(
      (e, k) => k >= before && e.event === 'kernel.status' && ['restarting', 'dead', 'disconnected'].includes(e.payload.status),
    );
    return i >= 0 ? i : undefined;
  }, 10_000);
  // The cell sleeps 1 s before os._exit; the death must be reported within 2 s after that.
  const delay = (at[idx] ?? Infinity) - started - 1000;
  assert.ok(delay < 2000, `death reported ${delay} ms after it happened`);
  assert.ok(
    outputsOf('die').some((o) => String(o.text).includes('about to die')),
    'output that arrived before the death is kept',
  );
  // The server restarts a dead kernel; the connection keeps working.
  await waitFor(() => events.slice(before).find((e) => e.event === 'kernel.status' && e.payload.status === 'idle'), 30_000);
  assert.equal((await ks.execute(kernelId, 'after', 'print(1)')).status, 'ok');
});
