// Killing the service process with SIGKILL mid-edit loses at most the last second: the next start offers the edits back.
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
    metadata: {}, nbformat: 4, nbformat_minor: 5,
  });
  writeFileSync(file, original);
  // Autosave is pushed far out so that only the crash journal can save these edits.
  const home = mkdtempSync(join(tmpdir(), 'gds-home-'));
  const first = await serve({ file, home });
  apps.push(first);
  browser = await launchBrowser();
  const page = await browser.newPage();
  await page.goto(first.url);
  await page.waitForSelector('[data-testid="cell-editor"]');
  // Block autosave by making the file look changed on disk is not needed: the journal runs after 0.4 s, autosave after 1.5 s.
  await typeInCell(page, 0, 'important_edit = 42');
  await page.waitForTimeout(900); // past the journal's pause, before autosave's
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  assert.equal(readFileSync(file, 'utf8'), original, 'the file itself was not written (autosave had not run)');

  const second = await serve({ file, home });
  apps.push(second);
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
