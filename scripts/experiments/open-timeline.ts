// Where the first screen of a big notebook goes: navigation timing, the page's WebSocket frames (their method names)
// and the first cell, each in ms from page.goto, for a few page loads on one `gds serve`.
// node --import tsx scripts/experiments/open-timeline.ts [cells=2000] [loads=3]
// GDS_URL=<a running gds serve's URL>: measure that host instead (e.g. one started with node --cpu-prof), on its notebook.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../../tests/helpers/browser.ts';
import { serve } from '../../tests/helpers/serve.ts';
import { bigNotebookCells } from '../big-notebook.ts';

const cells = Number(process.argv[2] ?? 2000);
const loads = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'gds-timeline-'));
const file = join(dir, 'big.ipynb');
const nbCells = bigNotebookCells(cells);
writeFileSync(file, JSON.stringify({ cells: nbCells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
console.log(`notebook: ${file}`);

function method(payload: string | Buffer): string {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  const m = /"(?:method|channel|type|event)"\s*:\s*"([^"]+)"/.exec(text.slice(0, 400));
  return `${m?.[1] ?? '?'} (${(text.length / 1024).toFixed(0)} kB)`;
}

const browser = await launchBrowser();
const app = process.env.GDS_URL ? { url: process.env.GDS_URL, stop: async () => {} } : await serve({ file });
try {
  for (let r = 0; r < loads; r++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const t = performance.now();
    const events: Array<[number, string]> = [];
    const at = (what: string) => events.push([performance.now() - t, what]);
    page.on('websocket', (ws) => {
      at('websocket opened');
      ws.on('framesent', (f) => at(`→ ${method(f.payload)}`));
      ws.on('framereceived', (f) => at(`← ${method(f.payload)}`));
    });
    page.on('load', () => at('load event'));
    // GDS_PAGE_PROFILE=<file>: the page's CPU profile of the last load, from navigation to the first editor.
    const cdp = process.env.GDS_PAGE_PROFILE && r === loads - 1 ? await page.context().newCDPSession(page) : null;
    if (cdp) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.setSamplingInterval', { interval: 200 })).then(() => cdp.send('Profiler.start'));
    await page.goto(app.url);
    at('goto resolved');
    await page.waitForSelector('[data-testid="cell"]', { timeout: 120_000 });
    at('first cell in the DOM');
    await page.waitForSelector('[data-testid="cell"][data-cell-index="1"] .monaco-editor .view-lines', { timeout: 120_000 });
    at('first editor');
    if (cdp) writeFileSync(process.env.GDS_PAGE_PROFILE!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const nav = (await page.evaluate(`(() => { const n = performance.getEntriesByType('navigation')[0];
      return { responseEnd: n.responseEnd, domContentLoaded: n.domContentLoadedEventEnd }; })()`)) as Record<string, number>;
    console.log(`load ${r + 1}: navigation responseEnd ${nav.responseEnd?.toFixed(0)} ms, DOMContentLoaded ${nav.domContentLoaded?.toFixed(0)} ms (page clock)`);
    let shown = 0;
    for (const [ms, what] of events.sort((a, b) => a[0] - b[0])) {
      if (what.startsWith('←') || what.startsWith('→')) if (++shown > 40) continue;
      console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${what}`);
    }
    await page.close();
  }
} finally {
  await app.stop();
  await browser.close();
}
