// The Files panel in Chromium: it lists the workspace, opens a notebook with a click, makes a new notebook and opens
// it, renames inline, deletes to the trash with Undo, takes a file dropped from the desktop, and lists recent files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, watchErrors } from '../helpers/browser.ts';
import { serve, type Served } from '../helpers/serve.ts';

let browser: Browser;
let app: Served;
let page: Page;
let errors: string[];
const work = realpathSync(mkdtempSync(join(tmpdir(), 'gds-fb-')));
const outside = realpathSync(mkdtempSync(join(tmpdir(), 'gds-fb-out-')));
const notebook = (marker: string) =>
  JSON.stringify({
    cells: [{ id: 'c1', cell_type: 'code', source: `${marker} = 41`, metadata: {}, outputs: [], execution_count: null }],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  });

before(async () => {
  writeFileSync(join(work, 'analysis.ipynb'), notebook('marker_analysis'));
  writeFileSync(join(work, 'data.csv'), 'a,b\n1,2\n');
  writeFileSync(join(work, '.hidden.ipynb'), notebook('hidden'));
  mkdirSync(join(work, 'sub'));
  writeFileSync(join(work, 'sub', 'inner.ipynb'), notebook('marker_inner'));
  writeFileSync(join(outside, 'secret.ipynb'), notebook('secret'));
  symlinkSync(outside, join(work, 'link-out'));
  browser = await launchBrowser();
  app = await serve({ args: ['--workspace', work] });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  errors = watchErrors(page);
  await page.goto(app.url);
  await page.waitForSelector('[data-testid="notebook"] [data-testid="cell"]');
  await page.click('[data-testid="panel-files"]');
  await page.waitForSelector('[data-testid="file-root"]');
});
after(async () => {
  await browser?.close();
  await app?.stop();
});

const entry = (name: string) => page.locator(`[data-testid="file-entry"][data-name="${name}"]`);
/** Names listed directly in the workspace folder, in order. */
const topNames = () =>
  page
    .locator('[data-testid="file-entry"]')
    .evaluateAll(
      (els, root) =>
        els.filter((e) => e.getAttribute('data-path') === `${root}/${e.getAttribute('data-name')}`).map((e) => e.getAttribute('data-name')),
      work,
    );
const notebookShows = (text: string) =>
  page.waitForFunction((t) => document.querySelector('[data-testid="notebook"]')?.textContent?.includes(t), text, { timeout: 20_000 });
/** The open notebook's file name: the active tab's path, or the toolbar's name. */
const openedIs = (name: string) =>
  page.waitForFunction(
    (n) => {
      const tab = document.querySelector('[data-testid="tab"][aria-selected="true"]');
      if (tab) return tab.getAttribute('data-path')?.endsWith(`/${n}`);
      return document.querySelector('[data-testid="file-name"]')?.textContent?.replace(' •', '') === n;
    },
    name,
    { timeout: 20_000 },
  );
const menu = async (name: string, item: string) => {
  await entry(name).hover();
  await entry(name).locator('[data-testid="file-menu-button"]').click();
  await page.click(`[data-testid="file-menu-${item}"]`);
};

test('the panel lists the workspace: folders first, no dotfiles, no links that lead out', async () => {
  assert.equal(await page.getAttribute('[data-testid="file-root"]', 'data-path'), work);
  await entry('analysis.ipynb').waitFor();
  assert.deepEqual(await topNames(), ['sub', 'analysis.ipynb', 'data.csv']);
  assert.equal(await entry('analysis.ipynb').getAttribute('data-kind'), 'notebook');
  await screenshot(page, 'file-browser');
});

test('clicking a notebook opens it; it is then among the recent files', async () => {
  await entry('analysis.ipynb').locator('.fb-name').click();
  await notebookShows('marker_analysis');
  await openedIs('analysis.ipynb');
  await page.waitForSelector(`[data-testid="recent-file"][data-path="${join(work, 'analysis.ipynb')}"]`);
});

test('a folder opens in the tree and its notebooks open too', async () => {
  await entry('sub').locator('.fb-name').click();
  await entry('inner.ipynb').locator('.fb-name').click();
  await notebookShows('marker_inner');
  await openedIs('inner.ipynb');
  await entry('sub').locator('.fb-name').click(); // closed again
  await entry('inner.ipynb').waitFor({ state: 'detached' });
});

test('a new notebook appears in the selected folder and opens', async () => {
  await entry('analysis.ipynb').locator('.fb-name').click();
  await page.click('[data-testid="files-new-notebook"]');
  await entry('Untitled.ipynb').waitFor();
  await openedIs('Untitled.ipynb');
  const nb = JSON.parse(readFileSync(join(work, 'Untitled.ipynb'), 'utf8')) as { nbformat: number; nbformat_minor: number };
  assert.deepEqual([nb.nbformat, nb.nbformat_minor], [4, 5]);
});

test('rename inline: the name is edited in place, the extension kept', async () => {
  await menu('data.csv', 'rename');
  const input = page.locator('[data-testid="file-rename-input"]');
  await input.waitFor();
  await page.keyboard.type('measurements'); // the name without its extension is selected
  await page.keyboard.press('Enter');
  await entry('measurements.csv').waitFor();
  assert.equal(await entry('data.csv').count(), 0);
  assert.equal(readFileSync(join(work, 'measurements.csv'), 'utf8'), 'a,b\n1,2\n');
  assert.equal(existsSync(join(work, 'data.csv')), false);
  // Onto an existing name: refused with the reason, nothing overwritten.
  await menu('measurements.csv', 'rename');
  await input.fill('analysis.ipynb');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="toast-error"]:has-text("already exists")');
  assert.equal(readFileSync(join(work, 'measurements.csv'), 'utf8'), 'a,b\n1,2\n');
  assert.match(readFileSync(join(work, 'analysis.ipynb'), 'utf8'), /marker_analysis/);
});

test('duplicate makes name-copy beside it', async () => {
  await menu('analysis.ipynb', 'duplicate');
  await entry('analysis-copy.ipynb').waitFor();
  assert.match(readFileSync(join(work, 'analysis-copy.ipynb'), 'utf8'), /marker_analysis/);
});

test('delete moves to the trash; Undo puts it back exactly', async () => {
  await menu('measurements.csv', 'delete');
  await page.waitForSelector('[data-testid="files-undo-bar"]');
  await entry('measurements.csv').waitFor({ state: 'detached' });
  assert.equal(existsSync(join(work, 'measurements.csv')), false);
  await entry('analysis.ipynb').click({ button: 'right' });
  await page.waitForSelector('[data-testid="file-menu"]');
  await screenshot(page, 'file-browser-menu-undo');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="file-menu"]', { state: 'detached' });
  await page.click('[data-testid="files-undo"]');
  await entry('measurements.csv').waitFor();
  assert.equal(readFileSync(join(work, 'measurements.csv'), 'utf8'), 'a,b\n1,2\n');
  assert.equal(await page.locator('[data-testid="files-undo-bar"]').count(), 0);
  // The Delete key does the same on the focused row.
  await entry('analysis-copy.ipynb').locator('.fb-name').focus();
  await page.keyboard.press('Delete');
  await entry('analysis-copy.ipynb').waitFor({ state: 'detached' });
  assert.equal(existsSync(join(work, 'analysis-copy.ipynb')), false);
});

test('a file dropped from the desktop is added to the folder under the drop', async () => {
  const drop = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['x,y\n3,4\n'], 'dropped.csv', { type: 'text/csv' }));
    return dt;
  });
  await entry('sub').locator('.fb-name').dispatchEvent('dragover', { dataTransfer: drop });
  await entry('sub').locator('.fb-name').dispatchEvent('drop', { dataTransfer: drop });
  await entry('dropped.csv').waitFor();
  assert.equal(readFileSync(join(work, 'sub', 'dropped.csv'), 'utf8'), 'x,y\n3,4\n');
  // The same name again: kept beside it, never over it.
  await entry('sub').locator('.fb-name').dispatchEvent('drop', { dataTransfer: drop });
  await entry('dropped-copy.csv').waitFor();
  // Over 50 MB: refused in the page with the reason, nothing sent.
  const big = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(50 * 1024 * 1024 + 1)], 'huge.bin'));
    return dt;
  });
  await entry('sub').locator('.fb-name').dispatchEvent('drop', { dataTransfer: big });
  await page.waitForSelector('[data-testid="toast-error"]:has-text("over 50 MB")');
  assert.equal(existsSync(join(work, 'sub', 'huge.bin')), false);
});

test('keys typed in the browser do not reach the notebook', async () => {
  const cells = await page.locator('[data-testid="cell"]').count();
  await entry('analysis.ipynb').locator('.fb-name').focus();
  await page.keyboard.press('b');
  await page.keyboard.press('d');
  await page.keyboard.press('d');
  assert.equal(await page.locator('[data-testid="cell"]').count(), cells);
  assert.deepEqual(errors, []);
});
