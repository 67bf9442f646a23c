// The service is SIGKILLed 0.2 / 0.5 / 1 / 2 s after a keystroke, with and without a cell printing, and started
// again: the tab says it is offline, keeps what is typed meanwhile, reconnects and saves it all. Nothing is lost.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../helpers/browser.ts';
import { cell, waitForKernel } from '../helpers/notebook-page.ts';
import { serve, type Served } from '../helpers/serve.ts';

let browser: Browser;
let page: Page;
let app: Served;
const dir = mkdtempSync(join(tmpdir(), 'gds-lost-'));
const home = mkdtempSync(join(tmpdir(), 'gds-home-'));
const file = join(dir, 'work.ipynb');

before(async () => {
  writeFileSync(
    file,
    JSON.stringify({
      cells: [
        { cell_type: 'code', id: 'edit', metadata: {}, source: 'x = 1', outputs: [], execution_count: null },
        {
          cell_type: 'code',
          id: 'loud',
          metadata: {},
          source: 'import time\nfor i in range(100000):\n    print("tick", i, flush=True)\n    time.sleep(0.25)',
          outputs: [],
          execution_count: null,
        },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  app = await serve({ file, home });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(app.url);
  await page.waitForSelector('[data-testid="cell-editor"] .monaco-editor');
});
after(async () => {
  await browser.close();
  await app.stop();
});

/** Types a new last line into the first cell, as a person would (click, Ctrl+End, Enter, text). */
async function typeLine(p: Page, text: string): Promise<void> {
  await cell(p, 0).locator('.view-lines').click();
  await p.keyboard.press('Control+End');
  await p.keyboard.press('Enter');
  await p.keyboard.type(text, { delay: 5 });
}

async function killAndRestart(afterMs: number, label: string): Promise<void> {
  await typeLine(page, `typed_${label} = 1`);
  await page.waitForTimeout(afterMs);
  const port = app.port;
  app.child.kill('SIGKILL');
  await new Promise((r) => app.child.once('exit', r));
  await page.locator('[data-testid="offline-banner"]').waitFor({ timeout: 10_000 });
  // Typed while the service is down: kept in the tab.
  await typeLine(page, `offline_${label} = 2`);
  app = await serve({ file, home });
  assert.equal(app.port, port, 'the restarted service answers on the same port');
  const deadline = Date.now() + 20_000;
  let text = '';
  while (Date.now() < deadline) {
    text = readFileSync(file, 'utf8');
    if (text.includes(`typed_${label} = 1`) && text.includes(`offline_${label} = 2`)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(text, new RegExp(`typed_${label} = 1`), `${label}: the edit made ${afterMs} ms before the kill was lost`);
  assert.match(text, new RegExp(`offline_${label} = 2`), `${label}: the edit made while offline was lost`);
}

for (const ms of [200, 500, 1000, 2000]) {
  test(`killed ${ms} ms after a keystroke: the edit and those typed offline are saved after the restart`, { timeout: 90_000 }, async () => {
    await killAndRestart(ms, `quiet_${ms}`);
  });
}

for (const ms of [200, 500, 1000, 2000]) {
  test(`the same while a cell prints every 0.25 s, killed ${ms} ms after a keystroke`, { timeout: 120_000 }, async () => {
    // After the restart the tab has no kernel: running the cell starts a fresh one.
    await cell(page, 1).locator('.view-lines').click();
    await page.keyboard.press('Control+Enter');
    await waitForKernel(page, 'busy');
    await cell(page, 1).locator('[data-testid="cell-output"]', { hasText: 'tick 2' }).waitFor({ timeout: 60_000 });
    await killAndRestart(ms, `loud_${ms}`);
    if (ms === 2000) await screenshot(page, 'no-lost-edits');
  });
}
