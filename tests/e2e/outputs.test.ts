// Outputs (issue #23): a live run time on busy cells and the final time after; errors collapsed to their error line
// with the traceback one click away; HTML outputs as tall as their content (capped), still sandboxed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { formatDuration } from '../../renderer/src/components/duration.ts';
import { launchBrowser, screenshot, watchErrors } from '../helpers/browser.ts';
import { appendCodeCell, cell, waitForKernel } from '../helpers/notebook-page.ts';
import { serve, type Served } from '../helpers/serve.ts';

let browser: Browser;
const apps: Served[] = [];
const dir = mkdtempSync(join(tmpdir(), 'gds-e2e-outputs-'));
const code = (id: string, source: string, outputs: object[] = []) => ({
  cell_type: 'code',
  id,
  metadata: {},
  source,
  outputs,
  execution_count: outputs.length ? 1 : null,
});
const notebook = (...cells: object[]) => JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });
const html = (markup: string) => ({ output_type: 'display_data', metadata: {}, data: { 'text/html': markup, 'text/plain': 'html' } });
const MAX_FRAME_HEIGHT = 600;

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
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(app.url);
  await page.waitForSelector('[data-testid="cell"]');
  return { page, errors };
}

async function frameOf(page: Page, index: number): Promise<Frame> {
  const handle = await cell(page, index).locator('iframe.output-frame').elementHandle();
  const frame = await handle?.contentFrame();
  assert.ok(frame, `cell ${index} has an output frame`);
  return frame;
}

const wrapHeight = (page: Page, index: number) =>
  cell(page, index)
    .locator('[data-testid="output-frame-wrap"]')
    .evaluate((e) => e.getBoundingClientRect().height);

test('formatDuration: milliseconds, seconds, minutes, hours; the live counter stays in seconds', () => {
  assert.equal(formatDuration(85), '85 ms');
  assert.equal(formatDuration(85, true), '0.0 s');
  assert.equal(formatDuration(1234), '1.2 s');
  assert.equal(formatDuration(59_990), '59.9 s');
  assert.equal(formatDuration(125_000), '2 min 05 s');
  assert.equal(formatDuration(3_723_000), '1 h 02 min');
});

test('a long traceback shows its error line, with the frames one click away', async () => {
  const file = join(dir, 'errors.ipynb');
  const frames = Array.from(
    { length: 38 },
    (_, i) => `\u001b[0;32mFile /lib/deep.py:${i + 10}\u001b[0m, in \u001b[0;36mframe_${i}\u001b[0m\n    call_${i}()`,
  );
  const traceback = ['\u001b[0;31m----------------------------------\u001b[0m', ...frames, '\u001b[0;31mValueError\u001b[0m: bad value 42'];
  writeFileSync(
    file,
    notebook(
      code('e0', 'deep()', [{ output_type: 'error', ename: 'ValueError', evalue: 'bad value 42', traceback }]),
      code('e1', 'raise KeyError()', [{ output_type: 'error', ename: 'KeyError', evalue: '', traceback: ['\u001b[0;31mKeyError\u001b[0m'] }]),
    ),
  );
  const { page, errors } = await open(file);
  const err = cell(page, 0).locator('[data-testid="error-output"]');
  assert.equal(await err.locator('[data-testid="error-summary"]').textContent(), 'ValueError: bad value 42');
  assert.equal(await err.locator('[data-testid="error-traceback"]').count(), 0, 'the frames start hidden');
  assert.ok((await err.evaluate((e) => e.getBoundingClientRect().height)) < 80, 'collapsed, the error takes two lines');
  const expand = err.locator('[data-testid="error-expand"]');
  assert.equal(await expand.getAttribute('aria-expanded'), 'false');
  await expand.click();
  const tb = err.locator('[data-testid="error-traceback"]');
  await tb.waitFor();
  assert.match((await tb.textContent()) ?? '', /frame_0[\s\S]*frame_37[\s\S]*ValueError: bad value 42/);
  assert.equal(await expand.getAttribute('aria-expanded'), 'true');
  // The whole traceback shows at its own height: no inner scroll box with the error at its bottom.
  assert.ok(await tb.evaluate((e) => e.scrollHeight <= e.clientHeight + 1), 'no scrollbar inside the traceback');
  await screenshot(page, 'outputs-traceback');
  await expand.click();
  await tb.waitFor({ state: 'detached' });
  // An error with no frames has nothing to expand.
  assert.equal(await cell(page, 1).locator('[data-testid="error-summary"]').textContent(), 'KeyError');
  assert.equal(await cell(page, 1).locator('[data-testid="error-expand"]').count(), 0);
  assert.deepEqual(errors, []);
});

test('a long stream shows its head and its tail (coloured), and all of it on demand', async () => {
  const file = join(dir, 'long-stream.ipynb');
  const lines = Array.from({ length: 30_000 }, (_, i) => `line ${i}\n`).join('');
  const stream = { output_type: 'stream', name: 'stdout', text: `\u001b[31mred start\u001b[0m\n${lines}the end\n` };
  writeFileSync(file, notebook(code('s0', 'for i in range(30_000): print(i)', [stream])));
  const { page, errors } = await open(file);
  const pre = cell(page, 0).locator('pre.stream');
  await pre.waitFor();
  const shown = await pre.innerText();
  assert.match(shown, /^red start\nline 0\nline 1\n/, 'the head, from the first line');
  assert.match(shown, /\n…\n/, 'a mark where lines are left out');
  assert.match(shown, /line 29999\nthe end\s*$/, 'the tail, to the last line');
  assert.ok(!shown.includes('line 15000\n'), 'the middle is left out');
  assert.equal(await pre.locator('span.ansi-red-fg').first().innerText(), 'red start', 'ANSI colours are drawn');
  await cell(page, 0).getByRole('button', { name: /Output truncated .* show all/ }).click();
  assert.ok((await pre.innerText()).includes('line 15000\n'), 'all of it once asked for');
  assert.deepEqual(errors, []);
  await page.close();
});

test('HTML outputs are as tall as their content, capped with a scroll, and the frames stay sandboxed', async () => {
  const file = join(dir, 'html.ipynb');
  const table = (rows: number) =>
    '<table><thead><tr><th></th><th>alpha</th></tr></thead><tbody>' +
    Array.from({ length: rows }, (_, i) => `<tr><th>${i}</th><td>${i * 3}</td></tr>`).join('') +
    '</tbody></table>';
  const hostile =
    `<p>hostile</p><script>document.body.dataset.ran = '1'; parent.postMessage({ type: 'gds-frame-height', height: 5000 }, '*')</script>` +
    `<img src="x" onerror="document.body.dataset.ran = '2'">`;
  writeFileSync(
    file,
    notebook(
      code('h0', 'small', [html(table(3))]),
      code('h1', 'big', [html(table(200))]),
      code('h2', 'hostile', [html(hostile)]),
      code('h3', 'text', [html('<div>one line of text</div>')]),
    ),
  );
  const { page, errors } = await open(file);
  for (let i = 0; i < 4; i++) {
    await cell(page, i).locator('[data-testid="output-frame-wrap"][data-sized="content"]').waitFor({ timeout: 10_000 });
  }
  for (const frame of await page.locator('iframe.output-frame').all()) {
    assert.equal(await frame.getAttribute('sandbox'), 'allow-scripts', 'scripts only, never same-origin');
  }
  // Small outputs: no dead space below the content and no scroll inside.
  for (const i of [0, 3]) {
    const f = await frameOf(page, i);
    const inside = await f.evaluate(() => ({
      body: document.body.getBoundingClientRect().height,
      scroll: document.documentElement.scrollHeight,
      client: document.documentElement.clientHeight,
    }));
    const h = await wrapHeight(page, i);
    assert.ok(inside.scroll <= inside.client + 1, `cell ${i}: no scroll inside (${JSON.stringify(inside)})`);
    assert.ok(h - inside.body <= 14, `cell ${i}: the frame (${h} px) fits its content (${inside.body} px)`);
  }
  assert.ok((await wrapHeight(page, 3)) < 60, 'one line of HTML is one line tall');
  // A long table: capped, scrolling inside.
  assert.ok(Math.abs((await wrapHeight(page, 1)) - MAX_FRAME_HEIGHT) <= 2, 'a 200-row table is capped');
  const big = await frameOf(page, 1);
  assert.ok(await big.evaluate(() => document.documentElement.scrollHeight > document.documentElement.clientHeight + 100), 'and scrolls inside');
  // The output's own script and handler never ran, and its made-up height was not taken.
  const hostileFrame = await frameOf(page, 2);
  assert.equal(await hostileFrame.evaluate(() => document.body.dataset.ran ?? null), null);
  assert.ok((await wrapHeight(page, 2)) < 80, 'the hostile frame is sized by its content');
  // Messages from anywhere but the frame's own window are ignored.
  const heights = await Promise.all([0, 1, 2, 3].map((i) => wrapHeight(page, i)));
  await page.evaluate(() => window.postMessage({ type: 'gds-frame-height', height: 5 }, '*'));
  await page.waitForTimeout(300);
  assert.deepEqual(await Promise.all([0, 1, 2, 3].map((i) => wrapHeight(page, i))), heights);
  // A click in a frame, while another cell is being edited, selects the frame's cell in command mode.
  await page.waitForSelector('[data-cell-index="1"] [data-testid="cell-editor"] .monaco-editor');
  await cell(page, 1).locator('.view-lines').click();
  await page.waitForSelector('[data-testid="mode-indicator"][data-mode="edit"]');
  await page.frameLocator('[data-cell-index="0"] iframe.output-frame').locator('th', { hasText: 'alpha' }).click();
  await page.waitForSelector('[data-testid="mode-indicator"][data-mode="command"]');
  await page.waitForSelector('[data-testid="cell"].active[data-cell-index="0"]');
  assert.equal(await page.evaluate(() => !!document.activeElement?.closest('.monaco-editor')), false, 'no editor has the keys');
  await screenshot(page, 'outputs-html');
  assert.deepEqual(errors, []);
});

test('on a real kernel: a live counter while running, the time after; I, I interrupts; errors and DataFrames', { timeout: 240_000 }, async () => {
  const file = join(dir, 'live.ipynb');
  writeFileSync(file, notebook(code('k0', 'print("ready")')));
  const { page, errors } = await open(file);
  await page.waitForSelector('[data-cell-index="0"] [data-testid="cell-editor"] .monaco-editor');
  await cell(page, 0).locator('.view-lines').click();
  await page.keyboard.press('Control+Enter');
  await cell(page, 0).locator('[data-testid="cell-output"]', { hasText: 'ready' }).waitFor({ timeout: 90_000 });

  // The counter ticks while the cell runs, then the final time replaces it.
  const slow = await appendCodeCell(page, 'import time; time.sleep(2.5); print("slept")');
  await page.keyboard.press('Control+Enter');
  const elapsed = cell(page, slow).locator('[data-testid="cell-elapsed"]');
  await elapsed.waitFor({ timeout: 30_000 });
  const seconds = async () => Number(/([\d.]+) s/.exec((await elapsed.textContent()) ?? '')?.[1]);
  const first = await seconds();
  await page.waitForTimeout(700);
  const second = await seconds();
  assert.ok(second > first, `the counter moved: ${first} -> ${second}`);
  await cell(page, slow).locator('[data-testid="cell-output"]', { hasText: 'slept' }).waitFor({ timeout: 30_000 });
  const done = cell(page, slow).locator('[data-testid="cell-duration"]');
  await done.waitFor();
  assert.match((await done.textContent()) ?? '', /^(2\.[5-9]|3\.\d) s$/);
  assert.equal(await elapsed.count(), 0);

  // A real traceback: collapsed to its error line.
  // One line: the editor indents what is typed after a `def`.
  const bad = await appendCodeCell(page, 'f = lambda n: 1 / n if n == 0 else f(n - 1); f(12)');
  await page.keyboard.press('Control+Enter');
  const summary = cell(page, bad).locator('[data-testid="error-summary"]');
  await summary.waitFor({ timeout: 30_000 });
  assert.equal(await summary.textContent(), 'ZeroDivisionError: division by zero');
  await cell(page, bad).locator('[data-testid="error-expand"]').click();
  assert.match((await cell(page, bad).locator('[data-testid="error-traceback"]').textContent()) ?? '', /f\(n - 1\)/);

  // A pandas DataFrame: sized to its rows.
  const df = await appendCodeCell(page, 'import pandas as pd; pd.DataFrame({"alpha": [1, 2, 3], "beta": [4, 5, 6]})');
  await page.keyboard.press('Control+Enter');
  await cell(page, df).locator('[data-testid="output-frame-wrap"][data-sized="content"]').waitFor({ timeout: 60_000 });
  assert.ok((await wrapHeight(page, df)) < 160, 'a three-row DataFrame has no dead space');

  // I, I in command mode interrupts an endless loop.
  const loop = await appendCodeCell(page, 'while True: pass');
  await page.keyboard.press('Control+Enter');
  await waitForKernel(page, 'busy');
  await cell(page, loop).locator('[data-testid="cell-elapsed"]').waitFor();
  await page.keyboard.press('Escape');
  await page.keyboard.press('i');
  await page.keyboard.press('i');
  await cell(page, loop).locator('[data-testid="error-summary"]', { hasText: 'KeyboardInterrupt' }).waitFor({ timeout: 30_000 });
  await waitForKernel(page, 'idle');
  await screenshot(page, 'outputs-live');
  // 0, 0 restarts the kernel.
  await page.keyboard.press('0');
  await page.keyboard.press('0');
  await page.getByText('Kernel restarted').waitFor({ timeout: 60_000 });
  assert.deepEqual(errors, []);
});
