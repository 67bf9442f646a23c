// Killing the service process and its tab mid-edit loses at most the last second: the next start offers the edits back.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../helpers/browser.ts';
import { typeInCell } from '../helpers/notebook-page.ts';
import { serve, type Served } from '../helpers/serve.ts';

let browser: Browser | undefined;
const apps: Served[] = [];
after(async () => {
  await browser?.close();
  for (const a of apps) await a.stop();
});

test('SIGKILL while typing, restart, the recovered edits are offered and restored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-recovery-'));
  const file = join(dir, 'work.ipynb');
  const original = JSON.stringify({
    cells: [{ cell_type: 'code', id: 'c1', metadata: {}, source: 'x = 1', outputs: [], execution_count: null }],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  });
  writeFileSync(file, original);
  // Autosave is pushed far out so that only the crash journal can save these edits.
  const home = mkdtempSync(join(tmpdir(), 'gds-home-'));
  const first = await serve({ file, home });
  apps.push(first);
  browser = await launchBrowser();
  let page = await browser.newPage();
  await page.goto(first.url);
  await page.waitForSelector('[data-testid="cell-editor"]');
  // Block autosave by making the file look changed on disk is not needed: the journal runs after 0.4 s, autosave after 1.5 s.
  await typeInCell(page, 0, 'important_edit = 42');
  await page.waitForTimeout(900); // past the journal's pause, before autosave's
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  assert.equal(readFileSync(file, 'utf8'), original, 'the file itself was not written (autosave had not run)');

  // The tab is gone too (closed, or the browser crashed): only the service's own journal has the edits.
  await page.close();
  const second = await serve({ file, home });
  apps.push(second);
  page = await browser.newPage();
  await page.goto(second.url);
  await page.waitForSelector('[data-testid="dialog-recovered"]', { timeout: 30_000 });
  await screenshot(page, 'recovery-offer');
  await page.click('[data-testid="restore-recovery"]');
  await page.getByText('important_edit = 42').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('[data-testid="notebook"]').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+s');
  await page.waitForFunction(() => !document.querySelector('[data-testid="file-name"]')?.textContent?.includes('•'), undefined, { timeout: 20_000 });
  assert.match(readFileSync(file, 'utf8'), /important_edit = 42/);
});

test(
  'a cell printing every 0.25 s does not hold back the journal: an edit 1 s old survives a SIGKILL of service and tab',
  { timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gds-recovery-'));
    const file = join(dir, 'loud.ipynb');
    writeFileSync(
      file,
      JSON.stringify({
        cells: [
          { cell_type: 'code', id: 'c1', metadata: {}, source: 'x = 1', outputs: [], execution_count: null },
          {
            cell_type: 'code',
            id: 'c2',
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
    const home = mkdtempSync(join(tmpdir(), 'gds-home-'));
    const first = await serve({ file, home });
    apps.push(first);
    browser ??= await launchBrowser();
    let page = await browser.newPage();
    await page.goto(first.url);
    await page.waitForSelector('[data-testid="cell-editor"]');
    await page.locator('[data-testid="cell"][data-cell-index="1"] .view-lines').click();
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-testid="cell-output"]', { hasText: 'tick 12' }).waitFor({ timeout: 60_000 }); // past one outputs journal
    await typeInCell(page, 0, 'edit_while_printing = 7');
    await page.waitForTimeout(1000);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    await page.close();
    const second = await serve({ file, home });
    apps.push(second);
    page = await browser.newPage();
    await page.goto(second.url);
    // Saved with the outputs on their own cadence, or else offered back from the journal: never lost.
    if (!readFileSync(file, 'utf8').includes('edit_while_printing = 7')) {
      await page.waitForSelector('[data-testid="dialog-recovered"]', { timeout: 30_000 });
      await page.click('[data-testid="restore-recovery"]');
    }
    await page.getByText('edit_while_printing = 7').waitFor();
    await page.locator('[data-testid="cell-output"]', { hasText: 'tick' }).first().waitFor({ timeout: 10_000 });
  },
);
