// Corpus browser in Chromium: search text and API use over a real slice of the Kaggle crawl, read a notebook,
// see its source page, and open a copy in the editor.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureKaggleCorpus } from '../../pipeline/corpus-cache.ts';
import { closeApp, openApp, type OpenedApp } from '../helpers/app.ts';
import { screenshot } from '../helpers/browser.ts';
import { repoRoot } from '../helpers/serve.ts';

let opened: OpenedApp | undefined;
let page: Page;
let errors: string[];

before(async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'gds-corpus-ui-')), 'corpus.sqlite');
  const slice = join(ensureKaggleCorpus(), 'datasets', 'titanic');
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin/gds.mjs'), 'import', slice, '--db', db, '--json'], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { notebooks: number };
  assert.ok(summary.notebooks > 10);
  opened = await openApp({ serve: { env: { GDS_CORPUS_DB: db } }, viewport: { width: 1300, height: 850 }, ready: '[data-testid="cell"]' });
  ({ page, errors } = opened);
  await page.click('[data-testid="panel-corpus"]');
});
after(async () => {
  await closeApp(opened);
});

test('full-text search lists hits with highlighted snippets', async () => {
  await page.fill('[data-testid="corpus-query"]', 'RandomForestClassifier');
  await page.click('[data-testid="corpus-search"]');
  await page.locator('[data-testid="corpus-hit"]').first().waitFor({ timeout: 30_000 });
  assert.ok((await page.locator('[data-testid="corpus-hit"]').count()) > 3);
  assert.ok((await page.locator('[data-testid="corpus-hit"] mark').count()) > 0);
});

test('search by API use finds cells that call it', async () => {
  await page.fill('[data-testid="corpus-query"]', '');
  await page.fill('[data-testid="corpus-api"]', 'pandas.read_csv');
  await page.click('[data-testid="corpus-search"]');
  // The previous query's hits stay until the new ones arrive: wait for hits of this query.
  await page.waitForFunction(() => {
    const hits = [...document.querySelectorAll('[data-testid="corpus-hit"]')];
    return hits.length > 0 && hits.every((h) => h.textContent?.includes('read_csv'));
  }, undefined, { timeout: 30_000 });
  const snippets = await page.locator('[data-testid="corpus-hit"]').allTextContents();
  assert.ok(snippets.length > 3 && snippets.every((t) => /read_csv/.test(t)));
});

test('opens a notebook, its source page, and a copy in the editor', async () => {
  await page.locator('[data-testid="corpus-hit"] button').first().click();
  await page.waitForSelector('[data-testid="corpus-viewer"]');
  await page.locator('[data-testid="corpus-viewer"] .muted button').first().click();
  await page.waitForSelector('[data-testid="source-page"]');
  assert.match((await page.textContent('[data-testid="source-page"]')) ?? '', /titanic/i);
  await screenshot(page, 'corpus-browser');
  const cellsInViewer = await page.locator('[data-testid="corpus-viewer"] .corpus-cell').count();
  await page.click('[data-testid="open-copy"]');
  await page.click('[data-testid="panel-outline"]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="cell"]').length === n, cellsInViewer, { timeout: 30_000 });
  assert.match((await page.textContent('[data-testid="file-name"]')) ?? '', /\.ipynb$/);
  assert.deepEqual(errors, []);
});
