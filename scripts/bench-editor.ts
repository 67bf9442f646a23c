// bench:editor — time to open and render a 2,000-cell notebook in Chromium (web mode), and the round trip of
// executing `pass` through the app's kernel layer (the renderer's path: WebSocket → router → KernelService)
// versus a raw @jupyterlab/services client on the same kind of server; and code help (completion of `df.gro`,
// inspection inside `pd.read_csv(`) on a warm kernel through that same path (target: p95 under 100 ms).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelManager } from '@jupyterlab/services';
import { startJupyterServer } from '../pipeline/jupyter/server-process.ts';
import { launchBrowser } from '../tests/helpers/browser.ts';
import { serve } from '../tests/helpers/serve.ts';

const N = Number(process.env.BENCH_N ?? 200);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const fmt = (xs: number[]) => `median ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms (n=${xs.length})`;

async function rawClient(): Promise<number[]> {
  const server = await startJupyterServer();
  const km = new KernelManager({ serverSettings: server.settings });
  const k = await km.startNew({ name: 'python3' });
  await k.info;
  const times: number[] = [];
  for (let i = 0; i < N + 10; i++) {
    const t = performance.now();
    await k.requestExecute({ code: 'pass' }).done;
    if (i >= 10) times.push(performance.now() - t);
  }
  await k.shutdown();
  km.dispose();
  await server.dispose();
  return times;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gds-bench-'));
  const file = join(dir, 'big.ipynb');
  const cells = Array.from({ length: 2000 }, (_, i) => (i % 5 === 0
    ? { cell_type: 'markdown', id: `m${i}`, metadata: {}, source: `## Section ${i}\nSome *markdown* text.` }
    : { cell_type: 'code', id: `c${i}`, metadata: {}, source: `df${i} = df.groupby("a").mean()\nprint(df${i}.shape)`, outputs: [{ output_type: 'stream', name: 'stdout', text: '(3, 4)\n' }], execution_count: i }));
  writeFileSync(file, JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  const app = await serve({ file });
  const browser = await launchBrowser();
  try {
    const opens: number[] = [];
    const firstCells: number[] = [];
    const firstEditors: number[] = [];
    for (let r = 0; r < 3; r++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const t = performance.now();
      await page.goto(app.url);
      await page.waitForSelector('[data-testid="cell"]', { timeout: 120_000 });
      firstCells.push(performance.now() - t);
      await page.waitForSelector('.monaco-editor .view-lines', { timeout: 120_000 });
      firstEditors.push(performance.now() - t);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="cell"]').length === 2000, undefined, { timeout: 120_000 });
      opens.push(performance.now() - t);
      if (r === 2) {
        // Scroll smoothness: frame times while scrolling through the whole notebook.
        const frames = (await page.evaluate(`(async () => {
          const el = document.querySelector('.content');
          const times = [];
          let last = performance.now();
          for (let y = 0; y < el.scrollHeight; y += 600) {
            el.scrollTo(0, y);
            await new Promise((r) => requestAnimationFrame(() => r(null)));
            const now = performance.now();
            times.push(now - last);
            last = now;
          }
          return times;
        })()`)) as number[];
        console.log(`scroll through 2,000 cells: frame ${fmt(frames)}`);
      }
      await page.close();
    }
    const runs = (xs: number[]) => `${xs.map((o) => o.toFixed(0)).join(', ')} ms (median ${pct(xs, 50).toFixed(0)} ms)`;
    console.log(`open 2,000-cell notebook, first cells on screen: ${runs(firstCells)}`);
    console.log(`open 2,000-cell notebook, first live Monaco editor: ${runs(firstEditors)}`);
    console.log(`open + render all 2,000 cells: ${runs(opens)}`);

    // The app's kernel layer, driven exactly as the renderer drives it (WebSocket frames through the router).
    const page = await browser.newPage();
    await page.goto(app.url);
    await page.waitForSelector('[data-testid="cell"]');
    const kernelRun = (await page.evaluate(`(async (n) => {
      const ws = new WebSocket('ws://' + location.host + '/ws', ['gds.v1', 'gds.token.' + sessionStorage.getItem('gds.token')]);
      let id = 0;
      const pending = new Map();
      ws.onmessage = (e) => {
        const f = JSON.parse(String(e.data));
        if (f.id !== undefined) pending.get(f.id)?.(f.result);
      };
      await new Promise((r) => (ws.onopen = r));
      const call = (method, params) => new Promise((r) => {
        const i = ++id;
        pending.set(i, r);
        ws.send(JSON.stringify({ id: i, method, params }));
      });
      const { kernelId } = await call('kernel.start', { name: 'python3' });
      const times = [];
      for (let i = 0; i < n + 10; i++) {
        const t = performance.now();
        await call('kernel.execute', { kernelId, cellId: 'bench', code: 'pass' });
        if (i >= 10) times.push(performance.now() - t);
      }
      // Code help on a warm kernel: complete_request for df.gro, inspect_request inside pd.read_csv( (both silent).
      const setup = await call('kernel.execute', { kernelId, cellId: 'bench', code: "import pandas as pd\\ndf = pd.DataFrame({'a': [1, 2], 'b': [3, 4]})" });
      const help = { complete: [], inspect: [], groupby: false, signature: false };
      for (let i = 0; i < 5; i++) await call('kernel.complete', { kernelId, code: 'df.gro', cursor: 6 }); // jedi warms up
      for (let i = 0; i < n + 10; i++) {
        let t = performance.now();
        const c = await call('kernel.complete', { kernelId, code: 'df.gro', cursor: 6 });
        if (i >= 10) help.complete.push(performance.now() - t);
        help.groupby = c.matches.some((m) => m.text === 'groupby');
        t = performance.now();
        const h = await call('kernel.inspect', { kernelId, code: 'pd.read_csv(', cursor: 12, detail: 0 });
        if (i >= 10) help.inspect.push(performance.now() - t);
        help.signature = h.text.includes('filepath_or_buffer');
      }
      const after = await call('kernel.execute', { kernelId, cellId: 'bench', code: 'pass' });
      help.silent = after.executionCount === setup.executionCount + 1;
      await call('kernel.shutdown', { kernelId });
      return { times, help };
    })(${N})`)) as { times: number[]; help: { complete: number[]; inspect: number[]; groupby: boolean; signature: boolean; silent: boolean } };
    const appTimes = kernelRun.times;
    console.log(`execute "pass" through the app's kernel layer: ${fmt(appTimes)}`);
    const { help } = kernelRun;
    console.log(`completion "df.gro" on a warm kernel through the app's kernel layer: ${fmt(help.complete)}${help.groupby ? '' : ' (groupby MISSING)'}`);
    console.log(`inspect "pd.read_csv(" on a warm kernel through the app's kernel layer: ${fmt(help.inspect)}${help.signature ? '' : ' (signature MISSING)'}`);
    console.log(`code help left the execution count alone: ${help.silent ? 'yes' : 'NO'}`);
  } finally {
    await browser.close();
    await app.stop();
  }
  console.log(`execute "pass" with a raw @jupyterlab/services client: ${fmt(await rawClient())}`);
}

await main();
