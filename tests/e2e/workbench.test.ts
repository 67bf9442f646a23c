// The workbench (issue #23): notebooks in tabs, each on its own kernel (a Jupyter session keyed by its path); a reload
// brings the tabs back and joins their still-running kernels; closing a tab asks about its kernel.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { closeApp, openApp, type OpenedApp } from '../helpers/app.ts';
import { screenshot } from '../helpers/browser.ts';
import { cell } from '../helpers/notebook-page.ts';

let opened: OpenedApp | undefined;
let page: Page;
let errors: string[];
const dir = mkdtempSync(join(tmpdir(), 'gds-e2e-tabs-'));
const code = (id: string, source: string) => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });
const notebook = (...cells: object[]) => JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });

before(async () => {
  writeFileSync(join(dir, 'a.ipynb'), notebook(code('a1', 'secret = "set in a"\nprint(secret)'), code('a2', 'print("a still has", secret)')));
  writeFileSync(join(dir, 'b.ipynb'), notebook(code('b1', 'try:\n    print(secret)\nexcept NameError:\n    print("secret is undefined in b")')));
  opened = await openApp({ serve: { file: join(dir, 'a.ipynb') }, viewport: { width: 1300, height: 900 } });
  ({ page, errors } = opened);
});
after(async () => {
  await closeApp(opened);
});

async function run(index: number, expect: string): Promise<void> {
  await cell(page, index).locator('.view-lines').click();
  await page.keyboard.press('Control+Enter');
  await cell(page, index).locator('[data-testid="cell-output"]', { hasText: expect }).waitFor({ timeout: 90_000 });
}

async function openFile(name: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.locator('button[data-cmd="notebook.open"]').click();
  await page.locator('[data-testid="path-input"]').fill(join(dir, name));
  await page.locator('[data-testid="path-ok"]').click();
  await page.locator(`[data-testid="tab"][data-path$="${name}"].on`).waitFor();
}

const tab = (name: string) => page.locator(`[data-testid="tab"][data-path$="/${name}"]`);

test('two notebooks in two tabs run on separate kernels', { timeout: 180_000 }, async () => {
  await run(0, 'set in a');
  await openFile('b.ipynb');
  assert.equal(await page.locator('[data-testid="tab"]').count(), 2, 'a and b each have a tab');
  await run(0, 'secret is undefined in b');
  // Back to a: its document and kernel are as they were.
  await tab('a.ipynb').locator('.tab-name').click();
  await page.locator('[data-testid="tab"].on[data-path$="/a.ipynb"]').waitFor();
  await run(1, 'a still has set in a');
});

test('a reload reopens both tabs and joins their running kernels (variables intact)', { timeout: 180_000 }, async () => {
  await page.reload();
  await tab('a.ipynb').waitFor({ timeout: 30_000 });
  await tab('b.ipynb').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="tab"].on[data-path$="/a.ipynb"]').waitFor();
  // The kernel of a still holds `secret`: no cell was re-run.
  await run(1, 'a still has set in a');
  await tab('b.ipynb').locator('.tab-name').click();
  await run(0, 'secret is undefined in b');
  await page.locator('[data-testid="panel-files"]').click();
  await page.locator('[data-testid="file-browser"]').waitFor();
  await screenshot(page, 'workbench-tabs');
  await page.locator('[data-testid="panel-outline"]').click();
});

test('closing a tab asks whether to shut its kernel down', { timeout: 120_000 }, async () => {
  await tab('b.ipynb').locator('[data-testid="tab-close"]').click();
  await page.locator('[data-testid="close-tab-dialog"]').waitFor();
  await page.locator('[data-testid="close-confirm"]').click();
  await tab('b.ipynb').waitFor({ state: 'detached' });
  assert.equal(await page.locator('[data-testid="tab"]').count(), 1);
  // Reopened, b gets a fresh kernel: nothing of the old one is left.
  await openFile('b.ipynb');
  await run(0, 'secret is undefined in b');
  assert.deepEqual(errors.filter((e) => !/ResizeObserver/.test(e)), [], 'no page errors');
});

test('an untitled notebook with content is not dropped without a prompt', { timeout: 120_000 }, async () => {
  await page.locator('[data-testid="tab-new"]').click();
  await page.locator('[data-testid="tab"].on[data-path=""]').waitFor();
  await cell(page, 0).locator('.view-lines').click();
  await page.keyboard.type('draft = "not saved anywhere"', { delay: 5 });
  await page.waitForTimeout(500);
  // Leaving the page asks first (the dialog is dismissed: the page stays).
  let asked = '';
  page.once('dialog', (d) => ((asked = d.type()), void d.dismiss()));
  await page.reload({ timeout: 5_000 }).catch(() => undefined);
  assert.equal(asked, 'beforeunload');
  await page.locator('[data-testid="tab"].on[data-path=""]').waitFor({ timeout: 5_000 });
  // Closing its tab asks too; discarding is the user's explicit choice.
  await page.keyboard.press('Escape');
  await page.locator('[data-testid="tab"].on [data-testid="tab-close"]').click();
  await page.locator('[data-testid="close-tab-dialog"]', { hasText: 'not saved' }).waitFor();
  await page.locator('[data-testid="close-confirm"]').click();
  await page.locator('[data-testid="tab"][data-path=""]').waitFor({ state: 'detached' });
});
