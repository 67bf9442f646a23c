// ipywidgets in Chromium (issue #23): a tqdm.notebook bar moves while its loop runs and ends full; an IntSlider dragged
// and stepped with the keyboard changes the value in the kernel; a Button's click reaches its callback; an HTML
// widget's markup renders only inside a sandboxed frame.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findPython } from '../../pipeline/jupyter/python-env.ts';
import { closeApp, openApp, type OpenedApp } from '../helpers/app.ts';
import { screenshot } from '../helpers/browser.ts';
import { cell } from '../helpers/notebook-page.ts';

const python = await findPython().catch(() => null);
const skip = !python
  ? 'no Python with jupyter_server and ipykernel (bash scripts/setup.sh installs them)'
  : spawnSync(python.path, ['-c', 'import ipywidgets, tqdm'], { timeout: 60_000 }).status !== 0
    ? `ipywidgets or tqdm is not installed in ${python.path} (bash scripts/setup.sh installs python3-ipywidgets and python3-tqdm)`
    : false;

let opened: OpenedApp | undefined;
let page: Page;
let errors: string[] = [];

const code = (id: string, source: string) => ({ cell_type: 'code', id, metadata: {}, source, outputs: [], execution_count: null });
const TQDM = 0;
const SLIDER = 1;
const PRINT = 2;
const BUTTON = 3;
const HTML = 4;
const SAVED = 5;

before(async () => {
  if (skip) return;
  const file = join(mkdtempSync(join(tmpdir(), 'gds-e2e-widgets-')), 'widgets.ipynb');
  writeFileSync(
    file,
    JSON.stringify({
      cells: [
        code('tq', 'from tqdm.notebook import tqdm; import time\nfor i in tqdm(range(30)): time.sleep(0.1)'),
        code('sl', 'import ipywidgets as w\ns = w.IntSlider(value=2, min=0, max=10, description="n")\ns'),
        code('pr', 'print("value", s.value)'),
        code('bt', 'b = w.Button(description="Press me")\nb.on_click(lambda _: setattr(b, "description", "pressed"))\nb'),
        code('ht', 'w.HTML(\'<b>bold</b> text<script>window.top.__pwned = 1</script><img src=x onerror="window.top.__pwned = 2">\')'),
        {
          ...code('sv', 'w.IntSlider(value=5)'),
          execution_count: 1,
          outputs: [
            {
              output_type: 'execute_result',
              execution_count: 1,
              metadata: {},
              data: {
                'application/vnd.jupyter.widget-view+json': { model_id: 'f00dfeed', version_major: 2, version_minor: 0 },
                'text/plain': 'IntSlider(value=5)',
              },
            },
          ],
        },
      ],
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  opened = await openApp({ serve: { file }, viewport: { width: 1300, height: 900 }, ready: '[data-testid="cell"]' });
  ({ page, errors } = opened);
});

after(async () => {
  await closeApp(opened);
});

/** Runs one cell the way a person does: click into it, Ctrl+Enter. */
async function runCell(i: number): Promise<void> {
  await cell(page, i).locator('[data-testid="cell-editor"] .view-lines').click();
  await page.keyboard.press('Control+Enter');
}

test('a tqdm.notebook loop shows a progress bar that moves while it runs and ends full', { skip }, async (t) => {
  // The page notes every width the bar takes, as it takes it (polling could miss a whole 3 s run on a slow machine).
  await page.evaluate(() => {
    const w = window as unknown as { gdsBar: string[] };
    w.gdsBar = [];
    new MutationObserver(() => {
      const bar = document.querySelector<HTMLElement>('[data-cell-index="0"] .gds-w-progress-bar');
      if (bar && bar.style.width !== w.gdsBar.at(-1)) w.gdsBar.push(bar.style.width);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['style'] });
  });
  await runCell(TQDM);
  const bar = cell(page, TQDM).locator('[data-widget="ProgressView"] .gds-w-progress-bar');
  await bar.waitFor({ timeout: 90_000 });
  await cell(page, TQDM).locator('.gds-w-progress-bar[data-bar-style="success"]').waitFor({ timeout: 60_000 });
  const widths = await page.evaluate(() => (window as unknown as { gdsBar: string[] }).gdsBar);
  t.diagnostic(`bar widths seen: ${widths.join(' ')}`);
  const percent = (w: string) => Number.parseFloat(w);
  const between = new Set(widths.filter((w) => percent(w) > 0 && percent(w) < 100));
  assert.ok(between.size >= 2, `the bar stood at two or more widths between empty and full: ${widths.join(' ')}`);
  assert.equal(percent(await bar.evaluate((el) => (el as HTMLElement).style.width)), 100);
  assert.equal(await cell(page, TQDM).locator('[role="progressbar"]').getAttribute('aria-valuenow'), '30');
  // tqdm's labels are HTML widgets with text only: shown inline, not in frames.
  await cell(page, TQDM).getByText('100%').waitFor();
  await cell(page, TQDM)
    .getByText(/30\/30 \[/)
    .waitFor();
  assert.equal(await cell(page, TQDM).locator('[data-testid="cell-output"] .stream').count(), 0, 'no warning or error printed');
  await screenshot(page, 'widgets-tqdm');
});

test('an IntSlider displays; dragging and arrow keys change the value in the kernel', { skip }, async () => {
  await runCell(SLIDER);
  const slider = cell(page, SLIDER).locator('[data-widget="IntSliderView"] input[type="range"]');
  await slider.waitFor({ timeout: 60_000 });
  assert.equal(await slider.inputValue(), '2');
  await cell(page, SLIDER).locator('.gds-w-description', { hasText: 'n' }).waitFor();
  // Drag the handle past the right end: the value goes to the maximum.
  const box = (await slider.boundingBox())!;
  const startX = box.x + box.width * 0.2;
  await page.mouse.move(startX, box.y + box.height / 2);
  await page.mouse.down();
  for (const f of [0.4, 0.7, 1.0, 1.1]) await page.mouse.move(box.x + box.width * f, box.y + box.height / 2, { steps: 3 });
  await page.mouse.up();
  assert.equal(await slider.inputValue(), '10');
  await slider.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await slider.inputValue(), '8');
  await cell(page, SLIDER).locator('.gds-w-readout', { hasText: '8' }).waitFor();
  await runCell(PRINT);
  await cell(page, PRINT).locator('[data-testid="cell-output"]', { hasText: 'value 8' }).waitFor({ timeout: 30_000 });
});

test('a Button click runs its on_click callback in the kernel, whose change comes back to the view', { skip }, async () => {
  await runCell(BUTTON);
  const button = cell(page, BUTTON).locator('[data-widget="ButtonView"] button');
  await button.waitFor({ timeout: 60_000 });
  assert.equal(await button.textContent(), 'Press me');
  await button.click();
  await cell(page, BUTTON).locator('[data-widget="ButtonView"] button', { hasText: 'pressed' }).waitFor({ timeout: 30_000 });
});

test('an HTML widget renders its markup inside a sandboxed iframe; its script and handlers never run', { skip }, async () => {
  await runCell(HTML);
  const frame = cell(page, HTML).locator('[data-widget="HTMLView"] iframe.output-frame');
  await frame.waitFor({ timeout: 60_000 });
  const sandbox = await frame.getAttribute('sandbox');
  assert.ok(sandbox !== null && !sandbox.includes('allow-same-origin'), `sandboxed to an opaque origin, as every output frame: ${sandbox}`);
  await page.frameLocator(`[data-cell-index="${HTML}"] [data-widget="HTMLView"] iframe.output-frame`).locator('b', { hasText: 'bold' }).waitFor();
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.equal(await page.locator('.gds-widget-area script, .gds-widget-area [onerror]').count(), 0);
  await screenshot(page, 'widgets');
  assert.deepEqual(errors, []);
});

test('a saved widget output whose model no kernel has shows its text form and says how to bring it back', { skip }, async () => {
  const saved = cell(page, SAVED).locator('[data-testid="widget-not-live"]');
  await saved.waitFor({ timeout: 30_000 });
  assert.match((await saved.textContent()) ?? '', /IntSlider\(value=5\).*run the cell/s);
});

test('a reloaded tab gets its live widgets back from the kernel (request_state), at their current values', { skip }, async () => {
  // Saved first: what a reload restores of outputs not yet saved is the workbench's business, not the widgets'.
  await page.locator('[data-testid="notebook"]').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+s');
  await page.waitForFunction(() => !document.querySelector('[data-testid="file-name"]')?.textContent?.includes('•'), undefined, { timeout: 20_000 });
  await page.reload();
  const slider = cell(page, SLIDER).locator('[data-widget="IntSliderView"] input[type="range"]');
  await slider.waitFor({ timeout: 60_000 });
  assert.equal(await slider.inputValue(), '8');
  await cell(page, TQDM).locator('.gds-w-progress-bar[data-bar-style="success"]').waitFor({ timeout: 30_000 });
  await cell(page, BUTTON).locator('[data-widget="ButtonView"] button', { hasText: 'pressed' }).waitFor({ timeout: 30_000 });
});

test('after a kernel restart, its widgets say they are no longer live', { skip }, async () => {
  await page.click('button[data-cmd="kernel.restart"]');
  const slider = cell(page, SLIDER).locator('[data-testid="widget-not-live"]');
  await slider.waitFor({ timeout: 60_000 });
  assert.match((await slider.textContent()) ?? '', /run the cell/);
  assert.equal(await cell(page, SLIDER).locator('[data-widget="IntSliderView"]').count(), 0);
  assert.deepEqual(errors, []);
});
