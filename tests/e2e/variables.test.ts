// The variable inspector in Chromium (issue #24): run a cell that loads a DataFrame, open the Variables panel and see
// it with its shape; open it for columns, dtypes, null counts and the first rows; run another cell and the list and
// the open DataFrame follow. A real `gds serve`, jupyter server and ipykernel, driven by clicks and keys.
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

const code = (id: string, source: string) => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });
const row = (name: string) => page.locator(`[data-testid="variable-row"][data-name="${name}"]`);
const column = (name: string) => page.locator(`[data-testid="variable-column"][data-column="${name}"]`);

async function runCell(index: number, count: number): Promise<void> {
  await cell(page, index).locator('.view-lines').click();
  await page.keyboard.press('Control+Enter');
  await cell(page, index).locator('.count', { hasText: `[${count}]` }).waitFor({ timeout: 90_000 });
}

before(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gds-e2e-vars-')), 'vars.ipynb');
  writeFileSync(file, JSON.stringify({
    cells: [
      code('load', "import pandas as pd\ntrain = pd.DataFrame({'age': [22.0, None, 35.0], 'name': ['Ann', 'Bo', None]})"),
      code('more', "extra = [1, 2, 3]\ntrain['fare'] = [7.25, None, None]"),
    ],
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, nbformat: 4, nbformat_minor: 5,
  }));
  opened = await openApp({ serve: { file }, viewport: { width: 1300, height: 900 } });
  ({ page, errors } = opened);
});

after(async () => {
  await closeApp(opened);
});

test('the Variables panel shows the DataFrame a cell loaded, its columns on demand, and follows the next run', async (t) => {
  await runCell(0, 1);
  await page.click('[data-testid="panel-variables"]');
  await row('train').waitFor({ timeout: 10_000 });
  assert.equal(await row('train').locator('.vars-type').innerText(), 'DataFrame');
  assert.equal(await row('train').locator('[data-testid="variable-shape"]').innerText(), '3 × 2');
  assert.equal(await page.locator('[data-testid="variable-row"]').count(), 1, 'pd (a module) is left out');

  await row('train').locator('[data-testid="variable-toggle"]').click();
  await page.locator('[data-testid="variable-detail"]').waitFor({ timeout: 10_000 });
  assert.deepEqual(await column('age').locator('td').allInnerTexts(), ['age', 'float64', '1 (33%)']);
  assert.deepEqual(await column('name').locator('td').allInnerTexts(), ['name', 'object', '1 (33%)']);
  const preview = page.locator('[data-testid="variable-preview"] tbody tr');
  assert.equal(await preview.count(), 3);
  assert.deepEqual(await preview.nth(0).locator('th, td').allInnerTexts(), ['0', '22.0', 'Ann']);
  assert.deepEqual(await preview.nth(1).locator('th, td').allInnerTexts(), ['1', 'nan', 'Bo']);

  // Another run: the list gains `extra`, and the open DataFrame gains its new column, without a click.
  await runCell(1, 2);
  const ran = Date.now();
  await row('extra').waitFor({ timeout: 10_000 });
  const ms = Date.now() - ran;
  assert.equal(await row('extra').locator('[data-testid="variable-shape"]').innerText(), '3 items');
  await column('fare').waitFor({ timeout: 10_000 });
  assert.deepEqual(await column('fare').locator('td').allInnerTexts(), ['fare', 'float64', '2 (67%)']);
  assert.equal(await row('train').locator('[data-testid="variable-shape"]').innerText(), '3 × 3');
  t.diagnostic(`list refreshed ${ms} ms after the run's count showed`);
  await screenshot(page, 'variables-panel');

  // The filter narrows the list by name.
  await page.fill('[data-testid="variables-filter"]', 'ext');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="variable-row"]').length === 1);
  assert.equal(await row('extra').count(), 1);
  assert.deepEqual(errors, []);
});
