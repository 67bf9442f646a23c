// A kernel that dies is said out loud (issue #21): a real jupyter server, a real ipykernel, a real os._exit and SIGKILL.
import { after, afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Events, KernelDeath } from '../../preload/contract.ts';
import { KERNEL_DIED_MESSAGE, KernelService } from '../../main/services/kernel-service.ts';

type Ev = { [E in keyof Events]: { event: E; payload: Events[E]; at: number } }[keyof Events];
const events: Ev[] = [];
process.on('unhandledRejection', () => undefined); // as the app does (main/host/process-guards.ts)
const ks = new KernelService({ emit: (event, payload) => events.push({ event, payload, at: Date.now() } as Ev) });
let kernelId = '';

const waitFor = async <T>(fn: () => T | undefined | false, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const deathsAfter = (n: number) => events.slice(n).filter((e): e is Extract<Ev, { event: 'kernel.died' }> => e.event === 'kernel.died');
const outputAt = (cellId: string, text: string) =>
  events.find((e) => e.event === 'kernel.output' && e.payload.cellId === cellId && String(e.payload.output.text ?? '').includes(text));
/** The restarted kernel answers: the first run on it gets execution count 1 (a fresh kernel), the old variables are gone. */
const assertFreshKernel = async (tag: string, since: number) => {
  const told = events.findIndex((e, i) => i >= since && e.event === 'kernel.died');
  await waitFor(() => events.slice(told).some((e) => e.event === 'kernel.status' && e.payload.status === 'idle'), 30_000);
  const res = await ks.execute(kernelId, `${tag}-fresh`, 'print("alive", "x" in dir())');
  assert.equal(res.status, 'ok', 'a later run works on the restarted kernel');
  assert.equal(res.executionCount, 1, 'execution counts restart: it is a fresh kernel');
  assert.ok(outputAt(`${tag}-fresh`, 'alive False'), 'variables of the dead kernel are gone');
};

// Each test has a kernel of its own: after an auto-restart, jupyter_server 1.x can leave a kernel_info request of
// @jupyterlab/services unanswered, and a second death or a restart of that connection cancels it (an unhandled
// rejection the app's process guards log; here it would fail the file).
beforeEach(async () => {
  kernelId = await ks.start('python3');
});
afterEach(async () => {
  await ks.shutdown(kernelId);
});
after(async () => {
  await ks.dispose();
});

test('os._exit in a cell: the run fails with the death and its reason within 1.5 s, the queued run is not run', async (t) => {
  assert.equal((await ks.execute(kernelId, 'setup1', 'x = 1')).status, 'ok');
  const n = events.length;
  const run = ks.execute(kernelId, 'exit1', 'import os, time; time.sleep(0.3); print("bye", flush=True); time.sleep(0.05); os._exit(1)');
  const queued = ks.execute(kernelId, 'queued1', 'print("never")');
  const res = await run;
  const bye = outputAt('exit1', 'bye');
  assert.ok(bye, 'output before the death arrived');
  const [death, ...more] = deathsAfter(n);
  assert.ok(death, 'kernel.died was emitted');
  assert.equal(more.length, 0, 'one death, told once');
  const d: KernelDeath = death.payload;
  t.diagnostic(`kernel.died ${death.at - bye.at} ms after the last output before os._exit`);
  assert.ok(death.at - bye.at < 1500, `death told ${death.at - bye.at} ms after the kernel died`);
  assert.deepEqual(
    { ...d },
    { kernelId, cellId: 'exit1', reason: 'exited with code 1', restarted: true, message: `${KERNEL_DIED_MESSAGE} (exited with code 1)` },
  );
  assert.equal(res.status, 'error');
  assert.equal(res.kernelDied, true);
  assert.equal(res.error, d.message);
  assert.ok(res.durationMs < 2500, `the run ended ${res.durationMs} ms after it started`);
  const q = await queued;
  assert.equal(q.status, 'aborted', 'the cell queued behind it never ran');
  assert.equal(q.kernelDied, true);
  assert.ok(!outputAt('queued1', 'never'));
  await assertFreshKernel('exit1', n);
});

test('a kernel killed by SIGKILL (as the OOM killer does) is told as probably out of memory', async (t) => {
  assert.equal((await ks.execute(kernelId, 'setup2', 'x = 2')).status, 'ok');
  const n = events.length;
  const run = ks.execute(kernelId, 'oom', 'import os, time; print("pid", os.getpid(), flush=True); time.sleep(60)');
  const line = await waitFor(() => outputAt('oom', 'pid'));
  const pid = Number(/pid (\d+)/.exec(String(line.event === 'kernel.output' && line.payload.output.text))?.[1]);
  assert.ok(pid > 1);
  const killedAt = Date.now();
  process.kill(pid, 'SIGKILL');
  const res = await run;
  const [death] = deathsAfter(n);
  assert.ok(death, 'kernel.died was emitted');
  t.diagnostic(`kernel.died ${death.at - killedAt} ms after the SIGKILL`);
  assert.ok(death.at - killedAt < 1500, `death told ${death.at - killedAt} ms after the SIGKILL`);
  assert.equal(death.payload.cellId, 'oom');
  assert.equal(death.payload.reason, 'killed (SIGKILL), probably out of memory');
  assert.equal(res.status, 'error');
  assert.equal(res.error, `${KERNEL_DIED_MESSAGE} (killed (SIGKILL), probably out of memory)`);
  await assertFreshKernel('oom', n);
});

test('a death while idle is told too, with no cell', async () => {
  const n = events.length;
  await ks.execute(kernelId, 'pid', 'import os; print("pid", os.getpid(), flush=True)');
  const pid = Number(/pid (\d+)/.exec(String((outputAt('pid', 'pid') as Extract<Ev, { event: 'kernel.output' }>).payload.output.text))?.[1]);
  process.kill(pid, 'SIGKILL');
  const death = await waitFor(() => deathsAfter(n)[0], 3000);
  assert.equal(death.payload.cellId, null);
  assert.equal(death.payload.reason, 'killed (SIGKILL), probably out of memory');
  assert.equal(death.payload.restarted, true);
  const told = events.indexOf(death);
  await waitFor(() => events.slice(told).some((e) => e.event === 'kernel.status' && e.payload.status === 'idle'), 30_000);
});

test('a restart the user asks for is no death', async () => {
  assert.equal((await ks.execute(kernelId, 'before-restart', 'x = 3')).status, 'ok');
  const m = events.length;
  await ks.restart(kernelId);
  assert.equal((await ks.execute(kernelId, 'after-restart', '1')).status, 'ok');
  assert.equal(deathsAfter(m).length, 0, 'a requested restart is not reported as a death');
});
