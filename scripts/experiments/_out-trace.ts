import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../../tests/helpers/browser.ts';
import { serve } from '../../tests/helpers/serve.ts';
const dir = mkdtempSync(join(tmpdir(), 'gds-o-'));
const file = join(dir, 'print.ipynb');
writeFileSync(file, JSON.stringify({ cells: [{ cell_type: 'code', id: 'p', metadata: {}, source: 'for i in range(100_000):\n    print(i)', outputs: [], execution_count: null }], metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, nbformat: 4, nbformat_minor: 5 }));
const app = await serve({ file, env: process.env.RDIR ? { GDS_RENDERER_DIR: process.env.RDIR } : {} });
const browser = await launchBrowser();
for (let r = 0; r < 3; r++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(app.url);
  await page.waitForSelector('[data-testid="kernel-status"][data-status="idle"]', { timeout: 60_000 });
  await page.waitForTimeout(1500);
  const cdp = await page.context().newCDPSession(page); await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 250 }); await cdp.send('Profiler.start');
  await page.evaluate(`(() => { window.__frames = []; let last = performance.now(); const tick = () => { const now = performance.now(); window.__frames.push(now - last); last = now; if (!window.__stop) requestAnimationFrame(tick); }; requestAnimationFrame(tick); })()`);
  await page.locator('[data-testid="run-cell"]').first().click();
  await page.waitForFunction(() => /\[\d+\]/.test(document.querySelector('[data-cell-index="0"] .prompt .count')?.textContent ?? ''), undefined, { timeout: 120_000 });
  const frames = (await page.evaluate('(window.__stop = true, window.__frames.slice(1))')) as number[];
  writeFileSync(`/tmp/outp-${r}.cpuprofile`, JSON.stringify(((await cdp.send('Profiler.stop')) as { profile: unknown }).profile));
  console.log(`run ${r}: max frame ${Math.max(...frames).toFixed(1)} ms, frames ${frames.length}`);
  await page.keyboard.press('Control+s');
  await page.close();
}
await browser.close(); await app.stop();
