// Workflow checks in the editor (issue #24), in headless Chromium on a real Kaggle notebook that scales before it splits:
// the finding shows on the scaler's line and in the Checks panel, goes away once fixed, and "Ignore" sticks to the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { openApp } from '../helpers/app.ts';
import { launchBrowser, screenshot } from '../helpers/browser.ts';
import { appendCodeCell, cell, typeInCell } from '../helpers/notebook-page.ts';
import { repoRoot, type Served } from '../helpers/serve.ts';

// tests/fixtures/guidance/creditcard-scale-before-split.ipynb: cell 5 (In [8]) scales `Amount` on line 4, cell 6
// (In [9]) splits; see the fixture's metadata for where it comes from.
const SCALE_CELL = 4;
const SPLIT_CELL = 5;
const apps: Served[] = [];
let browser: Browser;
let page: Page;
let errors: string[];
let file: string;

async function open(): Promise<Page> {
  const opened = await openApp({ serve: { file }, browser, viewport: { width: 1400, height: 900 } });
  apps.push(opened.app);
  errors = opened.errors;
  await opened.page.click('[data-testid="panel-checks"]');
  return opened.page;
}

const finding = (rule: string): Locator => page.locator(`[data-testid="check-finding"][data-rule="${rule}"]`);

before(async () => {
  file = join(mkdtempSync(join(tmpdir(), 'gds-e2e-checks-')), 'creditcard.ipynb');
  copyFileSync(join(repoRoot, 'tests/fixtures/guidance/creditcard-scale-before-split.ipynb'), file);
  browser = await launchBrowser();
  page = await open();
});

after(async () => {
  await browser?.close();
  for (const app of apps) await app.stop();
});

test('scaling before the split is marked on the scaler line and listed in the Checks panel', async () => {
  const leak = finding('leak-fit-before-split');
  await leak.waitFor({ timeout: 30_000 });
  const cellId = await cell(page, SCALE_CELL).getAttribute('data-cell-id');
  assert.equal(await leak.getAttribute('data-cell-id'), cellId);
  assert.equal(await leak.getAttribute('data-line'), '4');
  assert.match((await leak.textContent()) ?? '', /sc_amount.*StandardScaler.*before the train\/test split/);
  // The squiggle sits on the line that fits the scaler.
  const editor = cell(page, SCALE_CELL).locator('[data-testid="cell-editor"]');
  const squiggle = editor.locator('.squiggly-warning').first();
  await squiggle.waitFor({ timeout: 10_000 });
  const line = editor.locator('.view-line', { hasText: 'sc_amount.fit_transform' });
  const [sq, ln] = [await squiggle.boundingBox(), await line.boundingBox()];
  assert.ok(sq && ln && Math.abs(sq.y + sq.height / 2 - (ln.y + ln.height / 2)) < ln.height, 'squiggle on the fit_transform line');
  // "Why" explains the fix; a click on the finding puts the cursor on the line.
  await leak.locator('summary').click();
  assert.match((await leak.locator('.check-why').textContent()) ?? '', /Split first/);
  await leak.locator('.check-go').click();
  await page.waitForFunction((id) => document.activeElement?.closest('[data-testid="cell"]')?.getAttribute('data-cell-id') === id, cellId);
  await screenshot(page, 'checks-leak');
});

test('moving the scaler after the split clears the finding', async () => {
  await typeInCell(page, SCALE_CELL, "from sklearn.preprocessing import StandardScaler\ndata = data.drop(['Time'], axis = 1)");
  await typeInCell(page, SPLIT_CELL, [
    "X = data.iloc[:, data.columns != 'Class'].values",
    "y = data.iloc[:, data.columns == 'Class'].values",
    'X_train, X_test, y_train, y_test = train_test_split(X, y, test_size = 0.2, random_state = 0)',
    'sc = StandardScaler()',
    'X_train = sc.fit_transform(X_train)',
    'X_test = sc.transform(X_test)',
  ].join('\n'));
  await finding('leak-fit-before-split').waitFor({ state: 'detached', timeout: 20_000 });
  // The edited cells ran before (they have execution counts): later cells used their old results, and that is said
  // instead, on the line that now sets `data`.
  const stale = finding('state-stale-edit').and(page.locator(`[data-cell-id="${await cell(page, SCALE_CELL).getAttribute('data-cell-id')}"]`));
  await stale.waitFor({ timeout: 20_000 });
  assert.equal(await stale.getAttribute('data-line'), '2');
  assert.equal(await cell(page, SCALE_CELL).locator('.view-line', { hasText: 'fit_transform' }).count(), 0);
});

test('an ignored finding stays ignored after saving and reopening the notebook', async () => {
  await appendCodeCell(page, 'y_train_pred = knn_clf.predict(X_train)');
  await appendCodeCell(page, 'print(y_pred_knn[:5])');
  const unused = finding('predictions-unused');
  await unused.waitFor({ timeout: 20_000 });
  await unused.locator('[data-testid="check-ignore"]').click();
  await unused.waitFor({ state: 'detached' });
  await page.locator('[data-testid="checks-ignored"] summary', { hasText: 'Ignored (1)' }).waitFor();
  await page.locator('[data-testid="notebook"]').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+s');
  await page.waitForFunction(() => !document.querySelector('[data-testid="file-name"]')?.textContent?.includes('•'), undefined, { timeout: 20_000 });
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { metadata: { gds?: { ignoredFindings?: string[] } } };
  assert.deepEqual(saved.metadata.gds?.ignoredFindings?.map((k) => k.split(':')[0]), ['predictions-unused']);

  await page.close();
  await apps.shift()?.stop();
  page = await open();
  await page.locator('[data-testid="checks-ignored"] summary', { hasText: 'Ignored (1)' }).waitFor({ timeout: 30_000 });
  assert.equal(await finding('predictions-unused').count(), 0);
  assert.deepEqual(errors, []);
});
