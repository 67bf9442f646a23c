// Stage badges and next-line chips in the editor, from the bundled ONNX models (real inference, no mocks).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { closeApp, openApp, type OpenedApp } from '../helpers/app.ts';
import { screenshot } from '../helpers/browser.ts';
import { appendCodeCell, cell, typeInCell } from '../helpers/notebook-page.ts';

let opened: OpenedApp | undefined;
let page: Page;
let errors: string[];

before(async () => {
  opened = await openApp({ viewport: { width: 1300, height: 850 } });
  ({ page, errors } = opened);
});
after(async () => {
  await closeApp(opened);
});

const badge = (i: number) => cell(page, i).locator('[data-testid="stage-badge"]');

test('each code cell gets a stage badge that follows what is typed', async () => {
  await typeInCell(page, 0, 'import pandas as pd');
  await badge(0).and(page.locator('[data-stage="import"]')).waitFor({ timeout: 60_000 });
  const i = await appendCodeCell(page, 'df = pd.read_csv("train.csv")');
  await badge(i).and(page.locator('[data-stage="load"]')).waitFor({ timeout: 30_000 });
  // Retyping the cell changes its badge.
  await typeInCell(page, i, 'model.fit(X_train, y_train)');
  await badge(i).and(page.locator('[data-stage="train"]')).waitFor({ timeout: 30_000 });
  const tip = (await badge(i).getAttribute('title')) ?? '';
  assert.match(tip, /Train: \d+\.\d%/, 'probabilities on hover');
  await typeInCell(page, i, 'df = pd.read_csv("train.csv")');
  await badge(i).and(page.locator('[data-stage="load"]')).waitFor({ timeout: 30_000 });
  const timeline = page.locator('[data-testid="stage-timeline"] .tl-step');
  assert.equal(await timeline.count(), 2);
});

test('next-line chips appear under the active cell; Tab accepts the first one', async () => {
  const i = await appendCodeCell(page, '');
  const chips = cell(page, i).locator('[data-testid="suggestion-chip"]');
  await chips.first().waitFor({ timeout: 30_000 });
  const texts = await chips.allTextContents();
  assert.ok(texts.length >= 2, `chips: ${texts.join(' | ')}`);
  assert.equal(new Set(texts).size, texts.length, 'suggestions are distinct');
  assert.ok(texts.some((t) => /\bdf\b|\bpd\./.test(t)), `suggestions use the user's names: ${texts.join(' | ')}`);
  // The first suggestion is also drawn as ghost text at the cursor: the same text as chip 1, never an older answer.
  const ghost = cell(page, i).locator('.ghost-text, .ghost-text-decoration');
  await ghost.first().waitFor({ timeout: 15_000 });
  const plain = (t: string) => t.replace(/\u00a0/g, ' ');
  assert.equal(plain((await ghost.allTextContents()).join('')), texts[0], 'ghost text = chip 1');
  // Chip 1 says how often the corpus did this at a similar point.
  assert.match((await cell(page, i).locator('[data-testid="suggestion-evidence"]').textContent()) ?? '', /\d+ % of [\d,]+ similar points/);
  await screenshot(page, 'guidance');
  await page.keyboard.press('Tab');
  await cell(page, i).locator('.view-lines', { hasText: texts[0]!.slice(0, 12) }).waitFor();
  assert.equal(plain((await cell(page, i).locator('.view-lines').textContent()) ?? ''), texts[0], 'Tab inserts exactly chip 1');
  // Esc dismisses the chips that follow.
  await page.keyboard.press('Enter');
  await chips.first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Escape');
  await chips.first().waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});

test('a plot of predictions made in an earlier cell is badged Evaluate, and follows edits to that earlier cell', async () => {
  const p = await appendCodeCell(page, 'gap = y_test - model.predict(X_test)');
  const q = await appendCodeCell(page, 'plt.hist(gap, bins=20)\nplt.show()');
  await badge(q).and(page.locator('[data-stage="eval"][data-context="reads-predictions"]')).waitFor({ timeout: 30_000 });
  assert.match((await badge(q).getAttribute('title')) ?? '', /earlier cell/);
  // The plotted cell is unchanged; only the earlier cell stops holding predictions.
  await typeInCell(page, p, 'gap = y_test - y_test.mean()');
  await badge(q).and(page.locator('[data-stage="explore"]')).waitFor({ timeout: 30_000 });
  assert.equal(await badge(q).getAttribute('data-context'), null);
  assert.deepEqual(errors, []);
});
