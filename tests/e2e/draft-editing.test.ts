// Typing before the editor has loaded (issue #22): a press on a cell's plain text opens a draft that takes the keys at
// once; the Monaco editor that replaces it starts with what was typed and the caret where it was, and it is saved.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, watchErrors } from '../helpers/browser.ts';
import { serve, type Served } from '../helpers/serve.ts';

let app: Served;
let browser: Browser;
let page: Page;
let errors: string[];
let file: string;
let release: () => void = () => undefined;

before(async () => {
  file = join(mkdtempSync(join(tmpdir(), 'gds-e2e-draft-')), 'draft.ipynb');
  const code = (id: string, source: string) => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });
  writeFileSync(file, JSON.stringify({ cells: [code('a', 'x = 1\nprint(x)'), code('b', 'y = 2')], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  app = await serve({ file });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  errors = watchErrors(page);
  // The editor chunk is held back until the test lets it through: the notebook is up, Monaco is not.
  const held = new Promise<void>((r) => (release = r));
  await page.route(/\/assets\/CellEditor-[^/]*\.js(\?.*)?$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(app.url);
  await page.waitForSelector('[data-cell-index="0"] .static-code');
});

after(async () => {
  release();
  await browser?.close();
  await app?.stop();
});

const editorText = (index: number) =>
  page.locator(`[data-cell-index="${index}"] .monaco-editor .view-lines`).evaluate((el) => (el as HTMLElement).innerText.replace(/\u00a0/g, ' '));

test('keys typed while Monaco loads go into a draft, then into the editor with the caret where it was, and are saved', async () => {
  assert.equal(await page.locator('.monaco-editor').count(), 0, 'the editor chunk is held back');
  // A press at the end of the first line puts the caret there.
  const first = page.locator('[data-cell-index="0"] .static-code');
  const box = (await first.boundingBox())!;
  await page.mouse.click(box.x + box.width - 4, box.y + 9);
  const draft = page.locator('[data-cell-index="0"] [data-testid="draft-code"]');
  await draft.waitFor();
  assert.equal(await draft.evaluate((el) => el === document.activeElement), true, 'the draft has the keys');
  await page.keyboard.press('End');
  await page.keyboard.type(' + 2');
  assert.equal(await draft.inputValue(), 'x = 1 + 2\nprint(x)');
  // Tab indents as the editor would; Escape would leave: neither moves the focus out of the cell.
  await page.keyboard.press('Home');
  await page.keyboard.press('Tab');
  assert.equal(await draft.inputValue(), '    x = 1 + 2\nprint(x)');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('End');
  release();
  await page.locator('[data-cell-index="0"] .monaco-editor').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('[data-testid="draft-code"]').count(), 0, 'the editor replaced the draft');
  assert.match(await editorText(0), /^x = 1 \+ 2\nprint\(x\)/);
  // The editor has the focus and the caret where the draft left it (end of line 1).
  await page.keyboard.type('3');
  await page.waitForFunction(() => document.querySelector('[data-cell-index="0"] .view-lines')?.textContent?.includes('23'));
  assert.match(await editorText(0), /^x = 1 \+ 23\nprint\(x\)/);
  await page.keyboard.press('Control+s');
  const deadline = Date.now() + 10_000;
  let saved = '';
  while (Date.now() < deadline) {
    saved = (JSON.parse(readFileSync(file, 'utf8')) as { cells: Array<{ source: string | string[] }> }).cells
      .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))[0] ?? '';
    if (saved.includes('23')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(saved, 'x = 1 + 23\nprint(x)');
  assert.deepEqual(errors, []);
});
