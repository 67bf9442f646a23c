// The app opens on an empty notebook; a 2,000-cell notebook gets live editors only near the viewport.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot, watchErrors } from '../helpers/browser.ts';
import { cell } from '../helpers/notebook-page.ts';
import { serve, type Served } from '../helpers/serve.ts';

let browser: Browser;
const apps: Served[] = [];
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser.close();
  for (const a of apps) await a.stop();
});

test('renders the empty notebook view with the stable test hooks', async () => {
  const app = await serve();
  apps.push(app);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = watchErrors(page);
  await page.goto(app.url);
  await page.waitForSelector('[data-testid="notebook"] [data-testid="cell"]');
  assert.equal(await page.locator('[data-testid="cell"]').count(), 1);
  assert.equal(await cell(page, 0).getAttribute('data-cell-type'), 'code');
  await page.waitForSelector('[data-testid="cell-editor"] .monaco-editor');
  assert.equal(await page.getAttribute('[data-testid="kernel-status"]', 'data-status'), 'none');
  assert.equal(await page.textContent('[data-testid="file-name"]'), 'Untitled');
  await screenshot(page, 'empty-notebook');
  assert.deepEqual(errors, []);
});

test('command-mode keys: B inserts, M and Y change type, DD deletes, Z undoes', async () => {
  const app = apps[0]!;
  const page = await browser.newPage();
  await page.goto(app.url);
  await page.waitForSelector('[data-testid="cell-editor"] .monaco-editor');
  await page.locator('[data-testid="notebook"]').click({ position: { x: 3, y: 3 } });
  const count = () => page.locator('[data-testid="cell"]').count();
  await page.keyboard.press('b');
  await page.keyboard.press('b');
  assert.equal(await count(), 3);
  await page.keyboard.press('m');
  assert.equal(await cell(page, 2).getAttribute('data-cell-type'), 'markdown');
  await page.keyboard.press('y');
  assert.equal(await cell(page, 2).getAttribute('data-cell-type'), 'code');
  await page.keyboard.press('d');
  await page.keyboard.press('d');
  assert.equal(await count(), 2);
  await page.keyboard.press('z');
  assert.equal(await count(), 3);
  await page.keyboard.press('a');
  assert.equal(await count(), 4);
  await page.keyboard.press('h');
  await page.waitForSelector('[data-testid="dialog-shortcuts"]');
});

test('a 2,000-cell notebook opens with live Monaco editors only near the viewport', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-big-'));
  const file = join(dir, 'big.ipynb');
  const cells = Array.from({ length: 2000 }, (_, i) => (i % 5 === 0
    ? { cell_type: 'markdown', id: `m${i}`, metadata: {}, source: `## Section ${i}` }
    : { cell_type: 'code', id: `c${i}`, metadata: {}, source: `x${i} = ${i}\nprint(x${i})`, outputs: [], execution_count: null }));
  writeFileSync(file, JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  const app = await serve({ file });
  apps.push(app);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(app.url);
  // Only the cells near the scroll position are mounted; spacers stand for the others.
  await page.waitForSelector('[data-testid="notebook"][data-total-cells="2000"][data-window-ready="true"]', { timeout: 60_000 });
  assert.ok((await page.locator('[data-testid="cell"]').count()) < 150);
  await page.waitForSelector('.monaco-editor');
  const live = await page.locator('.monaco-editor').count();
  assert.ok(live > 0 && live < 100, `live editors: ${live}`);
  await page.locator('.content').evaluate((el: HTMLElement) => el.scrollTo(0, el.scrollHeight / 2));
  await page.waitForTimeout(500);
  const liveAfter = await page.locator('.monaco-editor').count();
  assert.ok(liveAfter < 100, `live editors after scrolling: ${liveAfter}`);
  // Markdown far below is not mounted until scrolled to; then it is rendered.
  assert.equal(await page.locator('[data-cell-index="1995"]').count(), 0);
  await page.locator('.content').evaluate((el: HTMLElement) => el.scrollTo(0, el.scrollHeight));
  await page.waitForSelector('[data-cell-index="1995"] .markdown.rendered h2', { timeout: 5000 });
  assert.equal((await page.textContent('[data-cell-index="1995"] .markdown h2'))?.trim(), 'Section 1995');
});
