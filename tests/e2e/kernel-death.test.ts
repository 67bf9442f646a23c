// A kernel that dies mid-run is said out loud in Chromium (issue #21): a banner with the reason, the cell marked failed,
// the cell queued behind it marked not run, and the next run on the fresh kernel counts from 1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { closeApp, openApp, type OpenedApp } from '../helpers/app.ts';
import { screenshot } from '../helpers/browser.ts';
import { cell, waitForKernel } from '../helpers/notebook-page.ts';

let opened: OpenedApp | undefined;
let page: Page;
let errors: string[];

const code = (id: string, source: string) => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });

before(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gds-e2e-death-')), 'dies.ipynb');
  writeFileSync(
    file,
    JSON.stringify({
      cells: [
        code('c1', 'x = 41\nprint("ready")'),
        code('c2', 'import os, time\nprint("dying", flush=True)\ntime.sleep(0.3)\nos._exit(1)'),
        code('c3', 'print("ran on a fresh kernel", "x" in dir())'),
      ],
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  opened = await openApp({ serve: { file }, viewport: { width: 1300, height: 900 }, ready: '[data-testid="cell"]' });
  ({ page, errors } = opened);
});

after(async () => {
  await closeApp(opened);
});

test('a kernel that dies mid-run: banner with the reason within 1.5 s, the cell failed, the queued cell not run', async (t) => {
  // The page itself notes when the last output before the death and the banner appear (no polling delay).
  await page.evaluate(() => {
    const w = window as unknown as { gdsSeen: Record<string, number> };
    w.gdsSeen = {};
    new MutationObserver(() => {
      const out = document.querySelector('[data-cell-index="1"] [data-testid="cell-output"]');
      if (!w.gdsSeen.dying && out?.textContent?.includes('dying')) w.gdsSeen.dying = performance.now();
      if (!w.gdsSeen.banner && document.querySelector('[data-testid="kernel-banner"]')) w.gdsSeen.banner = performance.now();
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.click('button[data-cmd="run.all"]');
  const banner = page.locator('[data-testid="kernel-banner"]');
  await banner.waitFor({ timeout: 90_000 });
  const seen = await page.evaluate(() => (window as unknown as { gdsSeen: Record<string, number> }).gdsSeen);
  assert.ok(seen.dying && seen.banner, 'the output before the death and the banner were both seen');
  const delay = Math.round(seen.banner - seen.dying - 300); // the cell sleeps 0.3 s after printing, then exits
  t.diagnostic(`banner shown ${delay} ms after the kernel died`);
  assert.ok(delay < 1500, `the banner showed ${delay} ms after the kernel died`);
  await banner.getByText('The kernel died: exited with code 1.').waitFor({ timeout: 2000 });
  // The running cell is marked failed, with the message on the cell; the one queued behind it did not run.
  await cell(page, 1)
    .locator('[data-testid="error-output"]', {
      hasText: 'the kernel died while running this cell; variables were lost — restart or re-run (exited with code 1)',
    })
    .waitFor({ timeout: 2000 });
  assert.equal(await cell(page, 1).locator('.prompt').getAttribute('data-state'), 'died');
  assert.equal(await cell(page, 2).locator('.prompt').getAttribute('data-state'), 'not-run');
  assert.equal(await cell(page, 2).locator('[data-testid="cell-output"]').count(), 0);
  await banner.locator('[data-testid="kernel-banner-not-run"]', { hasText: '1 queued cell was not run' }).waitFor();
  await banner.locator('[data-testid="kernel-banner-cell"]', { hasText: 'cell 2' }).waitFor();
  // The server restarted the kernel: the UI says it is a fresh one, and the next run counts from 1 without the old variables.
  await waitForKernel(page, 'idle', 30_000);
  await banner.locator('[data-testid="kernel-banner-fresh"]').waitFor();
  await screenshot(page, 'kernel-death');
  await cell(page, 2).locator('[data-testid="run-cell"]').click();
  await cell(page, 2).locator('[data-testid="cell-output"]', { hasText: 'ran on a fresh kernel False' }).waitFor({ timeout: 60_000 });
  await cell(page, 2).locator('.count', { hasText: '[1]' }).waitFor();
  await banner.locator('[data-testid="kernel-banner-dismiss"]').click();
  assert.equal(await banner.count(), 0);
  assert.deepEqual(errors, []);
});
