import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '/work/main/tests/helpers/browser.ts';
import { cell, typeInCell } from '/work/main/tests/helpers/notebook-page.ts';
import { serve } from '/work/main/tests/helpers/serve.ts';
const code = (id: string, source: string) => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });
test('dbg', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gds-e2e-help-')), 'help.ipynb');
  writeFileSync(file, JSON.stringify({ cells: [code('setup', "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2], 'b': [3, 4]})"), code('c2', '')], metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, nbformat: 4, nbformat_minor: 5 }));
  const app = await serve({ file });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  page.on('console', (m) => m.text().startsWith('DBG') && console.log('console:', m.text()));
  await page.goto(app.url);
  await page.waitForSelector('[data-testid="cell-editor"] .monaco-editor');
  await cell(page, 0).locator('.view-lines').click();
  await page.keyboard.press('Control+Enter');
  await cell(page, 0).locator('.count', { hasText: '[1]' }).waitFor({ timeout: 90_000 });
  for (let i = 0; i < 5; i++) {
    await typeInCell(page, 1, 'df.gro');
    await page.waitForTimeout(500);
    const t0 = Date.now();
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget.visible .monaco-list-row').first().waitFor({ timeout: 15000 });
    console.log('visible after', Date.now() - t0);
    await page.keyboard.press('Escape');
  }
  const times = await page.evaluate(`(async () => {
      const ws = new WebSocket('ws://' + location.host + '/ws', ['gds.v1', 'gds.token.' + sessionStorage.getItem('gds.token')]);
      let id = 0; const pending = new Map();
      ws.onmessage = (e) => { const f = JSON.parse(String(e.data)); if (f.id !== undefined) pending.get(f.id)?.(f.result); };
      await new Promise((r) => (ws.onopen = r));
      const call = (method, params) => new Promise((r) => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
      const sessions = await call('kernel.sessions', {});
      const kernelId = sessions[0].kernelId ?? sessions[0].kernel?.id;
      const times = [];
      for (let i = 0; i < 20; i++) { const t = performance.now(); await call('kernel.complete', { kernelId, code: 'df.gro', cursor: 6 }); times.push(Math.round(performance.now() - t)); }
      return [JSON.stringify(sessions).slice(0, 200), times];
  })()`);
  console.log(JSON.stringify(times));
  await browser.close(); await app.stop();
});
