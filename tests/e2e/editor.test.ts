// End to end in headless Chromium (web mode) with a real jupyter server and ipykernel, on a real Kaggle notebook.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureKaggleCorpus } from '../../pipeline/corpus-cache.ts';
import { closeApp, openApp, type OpenedApp } from '../helpers/app.ts';
import { screenshot } from '../helpers/browser.ts';
import { appendCodeCell, cell, typeInCell, waitForKernel } from '../helpers/notebook-page.ts';

const PYTHON = process.env.GDS_PYTHON ?? '/usr/bin/python3';
let opened: OpenedApp | undefined;
let page: Page;
let errors: string[];
let file: string;
let original: { nbformat_minor: number };

before(async () => {
  const kernels = join(ensureKaggleCorpus(), 'datasets', 'titanic', 'kernels');
  const pick = readdirSync(kernels)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()[0];
  assert.ok(pick, 'a titanic kernel exists in the crawl');
  file = join(mkdtempSync(join(tmpdir(), 'gds-e2e-')), 'kaggle.ipynb');
  copyFileSync(join(kernels, pick), file);
  original = JSON.parse(readFileSync(file, 'utf8')) as { nbformat_minor: number };
  opened = await openApp({ serve: { file }, viewport: { width: 1400, height: 900 }, ready: '[data-testid="cell"]' });
  ({ page, errors } = opened);
});

after(async () => {
  await closeApp(opened);
});

test('opens the real Kaggle notebook with all its cells', async () => {
  const nb = JSON.parse(readFileSync(file, 'utf8')) as { cells: unknown[] };
  // Long notebooks render in slices after the first screenful.
  await page.waitForSelector('[data-testid="notebook"][data-rendered="all"]');
  assert.equal(await page.locator('[data-testid="cell"]').count(), nb.cells.length);
  assert.equal(await page.textContent('[data-testid="file-name"]'), 'kaggle.ipynb');
});

test('edits a cell and runs it: stream output and execution count', async () => {
  const first = await page.locator('[data-testid="cell"][data-cell-type="code"]').first().getAttribute('data-cell-index');
  const idx = Number(first);
  await typeInCell(page, idx, 'print("hello from GDS", 6 * 7)');
  await page.keyboard.press('Control+Enter');
  await cell(page, idx).locator('[data-testid="cell-output"]').getByText('hello from GDS 42').waitFor({ timeout: 90_000 });
  await cell(page, idx).locator('.count', { hasText: '[1]' }).waitFor();
  await cell(page, idx).locator('[data-testid="cell-duration"]').waitFor();
});

test('displays a pandas DataFrame as HTML inside a sandboxed iframe', async () => {
  const i = await appendCodeCell(page, 'import pandas as pd; pd.DataFrame({"alpha": [1, 2], "beta": [3, 4]})');
  await page.keyboard.press('Control+Enter');
  const frame = cell(page, i).locator('iframe.output-frame');
  await frame.waitFor({ timeout: 60_000 });
  assert.equal(await frame.getAttribute('sandbox'), 'allow-scripts', 'scripts only under an opaque origin (never allow-same-origin)');
  await page.frameLocator(`[data-cell-index="${i}"] iframe.output-frame`).locator('th', { hasText: 'alpha' }).waitFor();
});

test('plots a matplotlib figure as a PNG image', async () => {
  const i = await appendCodeCell(page, 'import matplotlib.pyplot as plt; plt.plot([1, 3, 2]); plt.show()');
  await page.keyboard.press('Control+Enter');
  const img = cell(page, i).locator('img.output-image');
  await img.waitFor({ timeout: 60_000 });
  assert.match((await img.getAttribute('src')) ?? '', /^data:image\/png;base64,iVBOR/);
});

test('shows an error with its traceback', async () => {
  const i = await appendCodeCell(page, '1 / 0');
  await page.keyboard.press('Control+Enter');
  await cell(page, i).locator('[data-testid="error-output"]', { hasText: 'ZeroDivisionError' }).waitFor({ timeout: 30_000 });
});

test('interrupts an endless loop', async () => {
  const i = await appendCodeCell(page, 'while True: pass');
  await page.keyboard.press('Control+Enter');
  await waitForKernel(page, 'busy');
  await page.click('button[data-cmd="kernel.interrupt"]');
  await cell(page, i).locator('[data-testid="error-output"]', { hasText: 'KeyboardInterrupt' }).waitFor({ timeout: 30_000 });
  await waitForKernel(page, 'idle');
});

test('restarts the kernel: state is gone, the kernel runs again', async () => {
  const i = await appendCodeCell(page, 'secret = 7');
  await page.keyboard.press('Control+Enter');
  await cell(page, i)
    .locator('.count', { hasText: /\[\d+\]/ })
    .waitFor();
  await page.click('button[data-cmd="kernel.restart"]');
  await page.getByText('Kernel restarted').waitFor({ timeout: 60_000 });
  await waitForKernel(page, 'idle');
  const j = await appendCodeCell(page, 'print("secret" in globals())');
  await page.keyboard.press('Control+Enter');
  await cell(page, j).locator('[data-testid="cell-output"]', { hasText: 'False' }).waitFor({ timeout: 60_000 });
});

test('saves a notebook that Python nbformat validates, with the outputs', async () => {
  await page.locator('[data-testid="notebook"]').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+s');
  await page.waitForFunction(() => !document.querySelector('[data-testid="file-name"]')?.textContent?.includes('•'), undefined, { timeout: 20_000 });
  execFileSync(PYTHON, ['-c', 'import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], 4))', file]);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as {
    nbformat_minor: number;
    cells: Array<{ id: string; source: string[]; outputs?: Array<{ output_type: string; data?: Record<string, unknown> }> }>;
  };
  // A 4.x file stays 4.x (ids only where the format has them): the round trip keeps the file's own version.
  assert.equal(saved.nbformat_minor, original.nbformat_minor);
  const all = saved.cells.flatMap((c) => c.outputs ?? []);
  assert.ok(saved.cells.some((c) => c.source.join('').includes('hello from GDS')));
  assert.ok(
    all.some((o) => o.data?.['image/png']),
    'the PNG plot was saved',
  );
  assert.ok(
    all.some((o) => o.data?.['text/html']),
    'the DataFrame HTML was saved',
  );
  assert.ok(
    all.some((o) => o.output_type === 'error'),
    'the error was saved',
  );
  await screenshot(page, 'editor-e2e');
  assert.deepEqual(errors, []);
});
