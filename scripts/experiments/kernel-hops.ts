// Where the app path's time for `pass` goes beyond the raw client: the same host and kernel driven by a Node WebSocket
// client, by Chromium on a same-origin page with no app on it, and by Chromium on the app's own page (as the bench),
// alternating rounds in one run.
// node --import tsx scripts/experiments/kernel-hops.ts [executions per round=100] [rounds=3]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { launchBrowser } from '../../tests/helpers/browser.ts';
import { serve } from '../../tests/helpers/serve.ts';

const only = (process.env.HOPS ?? 'node,blank,app').split(',');
const N = Number(process.argv[2] ?? 100);
const ROUNDS = Number(process.argv[3] ?? 3);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
const show = (name: string, xs: number[]) =>
  console.log(`${name.padEnd(34)} p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms (n=${xs.length})`);

// The same loop, as a string, for Node (via Function) and for the page: `pass` N times after 10 warm-ups.
const LOOP = `async (WS, url, origin, token, n) => {
  const ws = new WS(url, ['gds.v1', 'gds.token.' + token], origin ? { origin } : undefined);
  let id = 0;
  const pending = new Map();
  ws.onmessage = (e) => { const f = JSON.parse(String(e.data)); if (f.id !== undefined) pending.get(f.id)?.(f.result); };
  await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
  const call = (method, params) => new Promise((r) => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
  const { kernelId } = await call('kernel.start', { name: 'python3' });
  const times = [];
  for (let i = 0; i < n + 10; i++) {
    const t = performance.now();
    await call('kernel.execute', { kernelId, cellId: 'bench', code: 'pass' });
    if (i >= 10) times.push(performance.now() - t);
  }
  const floor = [];
  for (let i = 0; i < n + 10; i++) {
    const t = performance.now();
    await call('app.info', {});
    if (i >= 10) floor.push(performance.now() - t);
  }
  await call('kernel.shutdown', { kernelId });
  ws.close();
  return { times, floor };
}`;

interface Got { times: number[]; floor: number[] }

const dir = mkdtempSync(join(tmpdir(), 'gds-hops-'));
const file = join(dir, 'small.ipynb');
writeFileSync(file, JSON.stringify({
  nbformat: 4, nbformat_minor: 5,
  metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
  cells: [{ cell_type: 'code', id: 'a', metadata: {}, source: 'x = 1', outputs: [], execution_count: null }],
}));
const app = await serve({ file });
const browser = only.some((o) => o !== 'node') ? await launchBrowser() : null;
const wsUrl = `ws://127.0.0.1:${app.port}/ws`;
const results: Record<string, number[]> = { node: [], blank: [], app: [], nodeInfo: [], blankInfo: [], appInfo: [] };
try {
  const appPage = await browser?.newPage();
  await appPage?.goto(app.url);
  await appPage?.waitForSelector('[data-testid="cell"]');
  const blank = await browser?.newPage();
  await blank?.goto(`${app.origin}/no-such-page`);
  const inNode = new Function(`return (${LOOP})`)() as (...a: unknown[]) => Promise<number[]>;
  for (let r = 0; r < ROUNDS; r++) {
    if (only.includes('node')) {
      const got = (await inNode(WebSocket, wsUrl, app.origin, app.token, N)) as unknown as Got;
      results.node!.push(...got.times);
      results.nodeInfo!.push(...got.floor);
    }
    for (const [name, page] of [['blank', blank], ['app', appPage]] as const) {
      if (!only.includes(name) || !page) continue;
      const args = JSON.stringify([wsUrl, '', app.token, N]);
      const got = (await page.evaluate(`(${LOOP})(WebSocket, ...${args})`)) as Got;
      results[name]!.push(...got.times);
      results[`${name}Info`]!.push(...got.floor);
    }
  }
  for (const [name, label] of [['node', 'Node ws client'], ['blank', 'Chromium, same-origin blank page'], ['app', 'Chromium, the app page']]) {
    if (!only.includes(name!)) continue;
    show(`${label}: pass`, results[name!]!);
    show(`${label}: app.info`, results[`${name}Info`]!);
  }
} finally {
  await browser?.close();
  await app.stop();
}
