// Command and edit mode as in JupyterLab (issue #23): exactly one mode at a time, shown, and the keyboard focus
// follows it; command keys never end up typed into a cell; dialogs close with Esc; new and moved cells are in view.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, watchErrors } from '../helpers/browser.ts';
import { cell } from '../helpers/notebook-page.ts';
import { serve, type Served } from '../helpers/serve.ts';

let browser: Browser;
const apps: Served[] = [];
const dir = mkdtempSync(join(tmpdir(), 'gds-e2e-modes-'));
const code = (id: string, source: string, outputs: object[] = []) => ({
  cell_type: 'code',
  id,
  metadata: {},
  source,
  outputs,
  execution_count: null,
});
const notebook = (...cells: object[]) => JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  for (const a of apps) await a.stop();
});

async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const app = await serve({ file });
  apps.push(app);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = watchErrors(page);
  await page.goto(app.url);
  await page.waitForSelector('[data-testid="cell"] [data-testid="cell-editor"] .monaco-editor');
  return { page, errors };
}

interface Where {
  mode: string;
  active: number;
  notebookFocused: boolean;
  editorCell: number | null;
}

/** What the indicator says, which cell is active, and where the keyboard focus is. */
function where(page: Page): Promise<Where> {
  return page.evaluate(() => {
    const a = document.activeElement;
    const editorCell = a?.closest('.monaco-editor') ? (a.closest('[data-testid="cell"]')?.getAttribute('data-cell-index') ?? '-1') : null;
    return {
      mode: document.querySelector('[data-testid="mode-indicator"]')?.getAttribute('data-mode') ?? '',
      active: Number(document.querySelector('[data-testid="cell"].active')?.getAttribute('data-cell-index') ?? -1),
      notebookFocused: a === document.querySelector('[data-testid="notebook"]'),
      editorCell: editorCell === null ? null : Number(editorCell),
    };
  });
}

/** Command mode: the notebook has the keys, no editor does. Edit mode: the active cell's editor has them. */
async function expectMode(page: Page, mode: 'command' | 'edit', active: number, step: string): Promise<void> {
  const want: Where =
    mode === 'command' ? { mode, active, notebookFocused: true, editorCell: null } : { mode, active, notebookFocused: false, editorCell: active };
  const deadline = Date.now() + 3000;
  let got = await where(page);
  while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    got = await where(page);
  }
  assert.deepEqual(got, want, `after ${step}`);
  assert.equal(await page.textContent('[data-testid="mode-indicator"]'), mode === 'command' ? 'Command' : 'Edit', `indicator after ${step}`);
}

const ids = (page: Page) => page.locator('[data-testid="cell"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-cell-id') ?? ''));
const types = (page: Page) => page.locator('[data-testid="cell"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-cell-type') ?? ''));

/** Each cell's source as shown: Monaco's lines in order, or the plain text shown before an editor loads. */
function shownSources(page: Page): Promise<string[]> {
  return page.locator('[data-testid="cell"]').evaluateAll((els) =>
    els.map((c) => {
      const lines = [...c.querySelectorAll<HTMLElement>('.view-line')].sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
      // Suggestions' ghost text is drawn inside the lines; it is not in the source. (No named functions in here:
      // tsx would wrap them in a helper that the page does not have.)
      const text = lines.length
        ? lines
            .map((l) => {
              const copy = l.cloneNode(true) as HTMLElement;
              copy.querySelectorAll('[class*="ghost-text"]').forEach((g) => g.remove());
              return copy.textContent ?? '';
            })
            .join('\n')
        : (c.querySelector('.static-code')?.textContent ?? '');
      return text.replace(/\u00a0/g, ' ');
    }),
  );
}

/** Polls `read` until it gives `want` (React draws a moment after a key), then asserts it. */
async function eventually<T>(read: () => Promise<T>, want: T, message: string): Promise<void> {
  const deadline = Date.now() + 3000;
  let got = await read();
  while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    got = await read();
  }
  assert.deepEqual(got, want, message);
}

/** The first sources shown, once they settle (a new cell's editor draws its text a moment after it mounts). */
async function expectSources(page: Page, want: string[], step: string): Promise<void> {
  const deadline = Date.now() + 3000;
  let got = (await shownSources(page)).slice(0, want.length);
  while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    got = (await shownSources(page)).slice(0, want.length);
  }
  assert.deepEqual(got, want, `sources after ${step}`);
}

async function press(page: Page, ...keys: string[]): Promise<void> {
  for (const k of keys) await page.keyboard.press(k);
}

test(
  'edit, click another prompt, then Esc A B D D and friends: the right cells change, no key is typed into a cell',
  { timeout: 180_000 },
  async () => {
    const file = join(dir, 'modes.ipynb');
    writeFileSync(file, notebook(code('c0', 'a = 1'), code('c1', 'b = 2'), code('c2', 'c = 3')));
    const { page, errors } = await open(file);
    await expectMode(page, 'command', 0, 'opening the notebook');

    // Edit cell 0, then click cell 1's prompt: command mode on cell 1, no editor focused.
    await cell(page, 0).locator('.view-lines').click();
    await expectMode(page, 'edit', 0, 'clicking into cell 0');
    await press(page, 'End');
    await page.keyboard.type(' # edited');
    await cell(page, 1).locator('.prompt .count').click();
    await expectMode(page, 'command', 1, "clicking cell 1's prompt");

    // Esc A B D D: a cell above 1, one below it, that one deleted again.
    await press(page, 'Escape');
    await expectMode(page, 'command', 1, 'Esc');
    await press(page, 'a');
    await expectMode(page, 'command', 1, 'A');
    await press(page, 'b');
    await expectMode(page, 'command', 2, 'B');
    await press(page, 'd', 'd');
    await expectMode(page, 'command', 2, 'D D');
    const afterAbdd = await ids(page);
    assert.equal(afterAbdd.length, 4);
    assert.deepEqual([afterAbdd[0], afterAbdd[2], afterAbdd[3]], ['c0', 'c1', 'c2'], 'A added one cell above c1; B then D D left none below');
    await expectSources(page, ['a = 1 # edited', '', 'b = 2', 'c = 3'], 'Esc A B D D');

    // Esc M Y: to markdown and back to code.
    await press(page, 'Escape', 'm');
    await page.locator('[data-cell-index="2"][data-cell-type="markdown"]').waitFor();
    await expectMode(page, 'command', 2, 'M');
    await press(page, 'y');
    await page.locator('[data-cell-index="2"][data-cell-type="code"]').waitFor();
    await expectMode(page, 'command', 2, 'Y');

    // K, Enter to edit the new cell, type, Esc.
    await press(page, 'k');
    await expectMode(page, 'command', 1, 'K');
    await press(page, 'Enter');
    await expectMode(page, 'edit', 1, 'Enter');
    await page.keyboard.type('x = 5; print("x is", x)');
    await press(page, 'Escape');
    await expectMode(page, 'command', 1, 'Esc from the editor');

    // Shift+Enter in command mode runs it and selects the next cell, still in command mode.
    await press(page, 'Shift+Enter');
    await expectMode(page, 'command', 2, 'Shift+Enter');
    await cell(page, 1).locator('[data-testid="cell-output"]', { hasText: 'x is 5' }).waitFor({ timeout: 90_000 });

    // Enter, Ctrl+Enter: runs the cell and leaves edit mode (as JupyterLab), so the next B is a command.
    await press(page, 'Enter');
    await expectMode(page, 'edit', 2, 'Enter on cell 2');
    await press(page, 'Control+Enter');
    await expectMode(page, 'command', 2, 'Ctrl+Enter in edit mode');
    await press(page, 'b');
    await expectMode(page, 'command', 3, 'B after Ctrl+Enter');
    await press(page, 'd', 'd');
    await expectMode(page, 'command', 3, 'D D after Ctrl+Enter');
    await cell(page, 2)
      .locator('.count', { hasText: /\[\d+\]/ })
      .waitFor({ timeout: 60_000 });

    // Shift+Enter from inside an editor: command mode on the next cell, focus off the editor.
    await cell(page, 2).locator('.view-lines').click();
    await expectMode(page, 'edit', 2, 'clicking into cell 2');
    await press(page, 'Shift+Enter');
    await expectMode(page, 'command', 3, 'Shift+Enter in edit mode');
    await press(page, 'a', 'd', 'd');
    await expectMode(page, 'command', 3, 'A D D after Shift+Enter');

    // Alt+Enter runs and inserts a cell below, in edit mode.
    await press(page, 'Alt+Enter');
    await expectMode(page, 'edit', 4, 'Alt+Enter');
    await page.keyboard.type('y = 6');
    await press(page, 'Escape');
    await expectMode(page, 'command', 4, 'Esc after Alt+Enter');

    // Clicking another cell's output while editing: command mode on that cell.
    await cell(page, 4).locator('.view-lines').click();
    await expectMode(page, 'edit', 4, 'clicking into cell 4');
    await cell(page, 1).locator('[data-testid="cell-output"]').getByText('x is 5').click();
    await expectMode(page, 'command', 1, "clicking cell 1's output");
    await press(page, 'Escape', 'b', 'd', 'd');
    await expectMode(page, 'command', 2, 'Esc B D D after clicking an output');

    // A toolbar button while editing does not strand the focus: the new cell's editor has it, in edit mode.
    await cell(page, 0).locator('.view-lines').click();
    await expectMode(page, 'edit', 0, 'clicking into cell 0 again');
    await page.click('button[data-cmd="cell.insertBelow"]');
    await expectMode(page, 'edit', 1, 'the toolbar + in edit mode');
    await press(page, 'Escape', 'd', 'd');
    await expectMode(page, 'command', 1, 'Esc D D after the toolbar +');

    // Shift+M merges with the cell below, Z undoes it; Ctrl+Shift+Down and Up move a cell.
    const before = await ids(page);
    await press(page, 'Shift+M');
    await eventually(async () => (await ids(page)).length, before.length - 1, 'Shift+M merged two cells');
    await press(page, 'z');
    await eventually(() => ids(page), before, 'Z undid the merge');
    await press(page, 'Control+Shift+ArrowDown');
    await expectMode(page, 'command', 2, 'Ctrl+Shift+Down');
    await eventually(async () => (await ids(page))[2], before[1], 'Ctrl+Shift+Down moved the cell');
    await press(page, 'Control+Shift+ArrowUp');
    await expectMode(page, 'command', 1, 'Ctrl+Shift+Up');
    await eventually(() => ids(page), before, 'Ctrl+Shift+Up moved it back');
    await press(page, 'Shift+ArrowDown');
    await eventually(() => page.locator('[data-testid="cell"].selected').count(), 2, 'Shift+Down extends the selection');
    await press(page, 'ArrowUp', 'ArrowDown');
    await expectMode(page, 'command', 2, 'Up, Down');

    // Edit mode's split key.
    await cell(page, 0).locator('.view-lines').click();
    await press(page, 'End', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft');
    await press(page, 'Control+Shift+Minus');
    await eventually(async () => (await ids(page)).length, before.length + 1, 'Ctrl+Shift+- split the cell');
    await expectSources(page, ['a = 1', ' # edited'], 'the split');
    await press(page, 'Escape');
    await expectMode(page, 'command', 0, 'Esc after the split');
    await press(page, 'z');
    await eventually(() => ids(page), before, 'Z undid the split');

    // The shortcuts list: H opens it, Esc closes it; no Ctrl+N in a browser, which keeps that key for itself.
    await press(page, 'h');
    const help = page.locator('[data-testid="dialog-shortcuts"]');
    await help.waitFor();
    assert.doesNotMatch((await help.textContent()) ?? '', /Ctrl\+N/);
    await screenshot(page, 'modes-shortcuts');
    await press(page, 'Escape');
    await help.waitFor({ state: 'detached' });
    await expectMode(page, 'command', 0, 'Esc closing the shortcuts');
    // Ctrl+O opens the open dialog from either mode; Esc closes it and the editor gets the keys back.
    await cell(page, 0).locator('.view-lines').click();
    await press(page, 'Control+o');
    await page.locator('[data-testid="dialog-open"]').waitFor();
    await press(page, 'Escape');
    await page.locator('[data-testid="dialog-open"]').waitFor({ state: 'detached' });
    await expectMode(page, 'edit', 0, 'Esc closing the open dialog');
    await press(page, 'Escape');
    await expectMode(page, 'command', 0, 'Esc after the open dialog');

    // What is saved has exactly what was typed: no stray command letters in any cell.
    await press(page, 'Control+s');
    await page.waitForFunction(() => !document.querySelector('[data-testid="file-name"]')?.textContent?.includes('•'), undefined, {
      timeout: 20_000,
    });
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { cells: Array<{ id: string; cell_type: string; source: string | string[] }> };
    const src = saved.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
    assert.deepEqual(src, ['a = 1 # edited', 'x = 5; print("x is", x)', 'b = 2', 'c = 3', 'y = 6']);
    assert.deepEqual(
      saved.cells.map((c) => c.cell_type),
      ['code', 'code', 'code', 'code', 'code'],
    );
    assert.deepEqual(await types(page), ['code', 'code', 'code', 'code', 'code']);
    assert.deepEqual(errors, []);
  },
);

/** Whether a cell lies inside the scrolling notebook pane (its top, at least, for a cell taller than the pane). */
async function inView(page: Page, index: number): Promise<boolean> {
  return cell(page, index).evaluate((el) => {
    const r = el.getBoundingClientRect();
    const pane = el.closest('.content')!.getBoundingClientRect();
    return r.height > pane.height ? r.top >= pane.top && r.top < pane.bottom : r.top >= pane.top - 1 && r.bottom <= pane.bottom + 1;
  });
}

async function expectInView(page: Page, index: number, step: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!(await inView(page, index)) && Date.now() < deadline) await page.waitForTimeout(50);
  assert.ok(await inView(page, index), `cell ${index} is in view after ${step}`);
}

test('new and moved cells are scrolled into view, in a notebook of tall outputs', { timeout: 120_000 }, async () => {
  const file = join(dir, 'tall.ipynb');
  const lines = Array.from({ length: 14 }, (_, i) => `line ${i}\n`).join('');
  const cells = Array.from({ length: 30 }, (_, i) => code(`t${i}`, `print("cell ${i}")`, [{ output_type: 'stream', name: 'stdout', text: lines }]));
  writeFileSync(file, notebook(...cells));
  const { page, errors } = await open(file);
  // The last cell whose prompt shows at the bottom of the pane: what follows it is off screen.
  const bottom = await page.evaluate(() => {
    const pane = document.querySelector('.content')!.getBoundingClientRect();
    const shown = [...document.querySelectorAll('[data-testid="cell"]')].filter((c) => c.getBoundingClientRect().top < pane.bottom - 40);
    return Number(shown[shown.length - 1]!.getAttribute('data-cell-index'));
  });
  await cell(page, bottom).locator('.prompt .count').click();
  await expectMode(page, 'command', bottom, 'clicking the bottom prompt');
  for (let i = 1; i <= 3; i++) {
    await press(page, 'b');
    await expectMode(page, 'command', bottom + i, `B #${i}`);
    await expectInView(page, bottom + i, `B #${i}`);
  }
  for (let i = 1; i <= 4; i++) {
    await press(page, 'Control+Shift+ArrowDown');
    await expectInView(page, bottom + 3 + i, `Ctrl+Shift+Down #${i}`);
  }
  for (let i = 0; i < 12; i++) await press(page, 'j');
  await expectInView(page, bottom + 19, 'J x 12');
  await press(page, 'a');
  await expectInView(page, bottom + 19, 'A');
  await screenshot(page, 'modes-new-cell-in-view');
  assert.deepEqual(errors, []);
});

test('a markdown cell: Enter edits it, Shift+Enter renders it, a double-click edits it again, Esc renders it', { timeout: 90_000 }, async () => {
  const file = join(dir, 'markdown.ipynb');
  writeFileSync(file, notebook({ cell_type: 'markdown', id: 'm0', metadata: {}, source: '# Title' }, code('c1', 'z = 0')));
  const { page, errors } = await open(file);
  const rendered = cell(page, 0).locator('.markdown.rendered h1', { hasText: 'Title' });
  await rendered.waitFor();
  await cell(page, 0).locator('.prompt').click();
  await expectMode(page, 'command', 0, "clicking the markdown cell's gutter");
  await press(page, 'Enter');
  await expectMode(page, 'edit', 0, 'Enter on a markdown cell');
  await press(page, 'End');
  await page.keyboard.type(' two');
  await press(page, 'Shift+Enter');
  await expectMode(page, 'command', 1, 'Shift+Enter on a markdown cell');
  await cell(page, 0).locator('.markdown.rendered h1', { hasText: 'Title two' }).waitFor();
  await cell(page, 0).locator('.markdown.rendered').dblclick();
  await expectMode(page, 'edit', 0, 'double-clicking rendered markdown');
  await press(page, 'Escape');
  await expectMode(page, 'command', 0, 'Esc from the markdown editor');
  await cell(page, 0).locator('.markdown.rendered h1', { hasText: 'Title two' }).waitFor();
  assert.deepEqual(errors, []);
});

test('math in markdown is drawn by KaTeX, which loads on demand after the first screen', { timeout: 90_000 }, async () => {
  const file = join(dir, 'math.ipynb');
  const source = 'Loss $x_i^2$ and\n\n$$\\frac{a_1}{b}$$';
  writeFileSync(file, notebook({ cell_type: 'markdown', id: 'm0', metadata: {}, source }, code('c1', 'z = 0')));
  const { page, errors } = await open(file);
  await cell(page, 0).locator('.markdown.rendered .katex-display .mfrac').waitFor({ timeout: 20_000 });
  const inline = cell(page, 0).locator('.markdown.rendered p .katex').first();
  // The subscript survived markdown (not read as emphasis) and KaTeX's stylesheet, loaded with it, applies.
  await inline.locator('.msupsub').waitFor();
  assert.equal(await cell(page, 0).locator('.markdown.rendered em').count(), 0);
  assert.match(await inline.evaluate((el) => getComputedStyle(el).fontFamily), /KaTeX_Main/);
  assert.equal(await cell(page, 0).locator('.math-pending').count(), 0);
  assert.deepEqual(errors, []);
});
