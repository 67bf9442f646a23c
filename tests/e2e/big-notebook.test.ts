// Big notebooks (issue #22): a 2,000-cell notebook mounts only the cells near the scroll position; keyboard jumps,
// Find and running reach cells that were not mounted, and what ran shows when its cell is scrolled back to.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Cell } from '../../preload/contract.ts';
import { findMatches, stepMatch } from '../../renderer/src/actions/find.ts';
import { CellHeights, CellOffsets, estimateHeight, rangeFor, slotsFor } from '../../renderer/src/components/notebook-window.ts';
import { closeApp, openApp, type OpenedApp } from '../helpers/app.ts';
import { screenshot } from '../helpers/browser.ts';
import { cell } from '../helpers/notebook-page.ts';

const N = 2000;
const sources = Array.from({ length: N }, (_, i) => (i % 5 === 0 ? `## Section ${i}\n\nNotes for part ${i}.` : `x${i} = ${i} * 2\nprint(x${i})`));
const cells = sources.map((source, i) => (i % 5 === 0
  ? { cell_type: 'markdown', id: `m${i}`, metadata: {}, source }
  : { cell_type: 'code', id: `c${i}`, metadata: {}, source, outputs: [{ output_type: 'stream', name: 'stdout', text: `${i * 2}\n` }], execution_count: i }));

let opened: OpenedApp | undefined;
let page: Page;
let errors: string[];

before(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gds-e2e-big-')), 'big.ipynb');
  writeFileSync(file, JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  const ready = `[data-testid="notebook"][data-total-cells="${N}"][data-window-ready="true"]`;
  opened = await openApp({ serve: { file }, viewport: { width: 1280, height: 800 }, ready, readyTimeout: 30_000 });
  ({ page, errors } = opened);
});

after(async () => {
  await closeApp(opened);
});

const mounted = () => page.locator('[data-testid="cell"]').count();
const activeIndex = () => page.locator('[data-testid="cell"].active').getAttribute('data-cell-index').then(Number);
const findCount = () => page.locator('[data-testid="find-count"]').textContent();

/** True when the cell's box lies within the notebook pane. */
function inView(index: number): Promise<boolean> {
  return cell(page, index).evaluate((el) => {
    const r = el.getBoundingClientRect();
    const box = el.closest('.content')!.getBoundingClientRect();
    return r.top >= box.top - 1 && r.top < box.bottom;
  });
}

async function eventually(check: () => Promise<boolean>, what: string, timeout = 5_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(what);
    await page.waitForTimeout(50);
  }
}

test('find: case-insensitive literal matches with their offsets; steps start at the selected cell and wrap', () => {
  const cs = [{ id: 'a', source: 'Foo foo' }, { id: 'b', source: 'bar' }, { id: 'c', source: 'xFOO' }];
  const m = findMatches(cs, 'foo');
  assert.deepEqual(m.map((x) => [x.cellIndex, x.start, x.end]), [[0, 0, 3], [0, 4, 7], [2, 1, 4]]);
  assert.deepEqual(findMatches(cs, 'b.r'), [], 'no regular expressions');
  assert.equal(findMatches([{ id: 'd', source: 'a.(r' }], 'A.(R').length, 1);
  assert.deepEqual(findMatches(cs, ''), []);
  assert.equal(stepMatch(m, -1, 1, 1), 2, 'forward from cell 1: the match in cell 2');
  assert.equal(stepMatch(m, -1, -1, 1), 1, 'backward from cell 1: the last match before it');
  assert.equal(stepMatch(m, -1, 1, 3), 0, 'none after: wraps to the first');
  assert.equal(stepMatch(m, 2, 1, 0), 0);
  assert.equal(stepMatch(m, 0, -1, 0), 2);
  assert.equal(stepMatch([], -1, 1, 0), -1);
});

test('window layout: estimates until measured, an edit re-reads its cell only, spacers stand for the cells left out', () => {
  const code = (id: string, source: string): Cell => ({ id, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null });
  const list = Array.from({ length: 1000 }, (_, i) => code(`c${i}`, 'x = 1'));
  const est = estimateHeight(list[0]!);
  const heights = new CellHeights();
  const offsets = new CellOffsets(heights);
  assert.equal(offsets.of(list)[1000], 1000 * est);
  // The band [50, 60) cells, with the active cell 900 pinned: 3 spacers, 11 cells, all heights accounted for.
  const range = rangeFor(offsets.of(list), 50 * est + 1, 60 * est - 1);
  assert.deepEqual(range, { first: 50, last: 59 });
  const slots = slotsFor(offsets.of(list), range, [900, 55]);
  assert.deepEqual(slots.filter((s) => s.kind === 'gap').map((s) => s.kind === 'gap' && s.height / est), [50, 840, 99]);
  assert.deepEqual(slots.flatMap((s) => (s.kind === 'cell' ? [s.index] : [])), [50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 900]);
  // A measurement replaces the estimate; the cell edited afterwards keeps it, moved by its estimate's change.
  assert.ok(heights.set(list[10]!, 100));
  offsets.remeasured(10);
  assert.equal(offsets.of(list)[1000], 999 * est + 100);
  const edited = list.with(10, { ...list[10]!, source: 'x = 1\ny = 2' });
  assert.equal(offsets.of(edited)[1000], 999 * est + 100 + estimateHeight(edited[10]!) - est);
  assert.ok(estimateHeight(edited[10]!) > est);
  // Small notebooks are mounted whole.
  assert.deepEqual(rangeFor(new CellOffsets(heights).of(list.slice(0, 40)), 0, 10), { first: 0, last: 39 });
});

test('only the cells near the scroll position are in the DOM, with few live editors', async () => {
  assert.ok((await mounted()) < 150, `mounted cells: ${await mounted()}`);
  await page.waitForSelector('[data-testid="cell"] .monaco-editor');
  assert.ok((await page.locator('.monaco-editor').count()) < 100);
  // The spacers stand for the rest: the pane scrolls over the whole notebook.
  const height = await page.locator('.content').evaluate((el) => el.scrollHeight);
  assert.ok(height > N * 40, `scroll height ${height}`);
  // Half way down, the cells there are mounted (and rendered) in their place, and still only a window of them.
  await page.locator('.content').evaluate((el) => el.scrollTo(0, el.scrollHeight / 2));
  await eventually(async () => (await page.locator('[data-testid="cell"]').evaluateAll((els) => els.some((e) => {
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && Number((e as HTMLElement).dataset.cellIndex) > 500;
  }))), 'cells in the middle are mounted where the pane shows them');
  assert.ok((await mounted()) < 150);
  await page.locator('.markdown.rendered h2').first().waitFor();
});

test('End, Home and arrows reach cells that were not mounted; cell commands work in the window', async () => {
  await page.locator('[data-testid="notebook"]').focus();
  await page.keyboard.press('End');
  await cell(page, N - 1).waitFor();
  assert.equal(await activeIndex(), N - 1);
  await eventually(() => inView(N - 1), 'the last cell is scrolled into view');
  await page.keyboard.press('Home');
  await eventually(() => inView(0), 'the first cell is scrolled into view');
  assert.equal(await activeIndex(), 0);
  await page.keyboard.press('ArrowDown');
  assert.equal(await activeIndex(), 1);
  // B inserts, D D deletes, Ctrl+Shift+Down/Up move, Shift+Down extends the selection, as in a small notebook.
  await page.keyboard.press('b');
  await page.waitForSelector(`[data-testid="notebook"][data-total-cells="${N + 1}"]`);
  assert.equal(await activeIndex(), 2);
  await page.keyboard.press('d');
  await page.keyboard.press('d');
  await page.waitForSelector(`[data-testid="notebook"][data-total-cells="${N}"]`);
  await page.keyboard.press('ArrowUp');
  const moved = await cell(page, 1).getAttribute('data-cell-id');
  await page.keyboard.press('Control+Shift+ArrowDown');
  assert.equal(await cell(page, 2).getAttribute('data-cell-id'), moved);
  await page.keyboard.press('Control+Shift+ArrowUp');
  assert.equal(await cell(page, 1).getAttribute('data-cell-id'), moved);
  await page.keyboard.press('Shift+ArrowDown');
  assert.equal(await page.locator('[data-testid="cell"].selected').count(), 2);
  assert.ok((await mounted()) < 150);
});

test('Find searches every cell, mounted or not, and steps through the matches', async () => {
  await page.locator('[data-testid="notebook"]').focus();
  await page.keyboard.press('Control+F');
  const input = page.locator('[data-testid="find-input"]');
  await input.waitFor();
  // A unique match far below: its cell is mounted, selected, revealed, and the match selected in its editor.
  await input.fill('x1503 = 1503');
  assert.equal(await findCount(), '1 of 1');
  await cell(page, 1503).waitFor();
  assert.equal(await activeIndex(), 1503);
  await eventually(() => inView(1503), 'the match is scrolled into view');
  await cell(page, 1503).locator('.monaco-editor .selected-text').first().waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'find-input', 'typing stays in the find field');
  // Many matches, all above the selected cell: the search wraps to the first; Enter and Shift+Enter step and wrap.
  const query = 'print(x12';
  const hits = sources.flatMap((s, i) => (s.includes(query) ? [i] : []));
  assert.ok(hits.length > 50 && hits.every((i) => i < 1503));
  await input.fill(query);
  assert.equal(await findCount(), `1 of ${hits.length}`);
  assert.equal(await activeIndex(), hits[0]);
  await input.press('Shift+Enter');
  assert.equal(await findCount(), `${hits.length} of ${hits.length}`);
  assert.equal(await activeIndex(), hits.at(-1));
  await eventually(() => inView(hits.at(-1)!), 'the last match is in view');
  await input.press('Enter');
  await input.press('Enter');
  assert.equal(await findCount(), `2 of ${hits.length}`);
  assert.equal(await activeIndex(), hits[1]);
  await eventually(() => inView(hits[1]!), 'the second match is in view');
  // Markdown is searched too (its source, whatever is rendered).
  await input.fill('Notes for part 1990.');
  assert.equal(await findCount(), '1 of 1');
  assert.equal(await activeIndex(), 1990);
  await input.fill('no such text anywhere');
  assert.equal(await findCount(), 'No results');
  // Esc closes it and gives the keys back to the notebook in command mode.
  await input.press('Escape');
  await page.locator('[data-testid="find-bar"]').waitFor({ state: 'detached' });
  assert.equal(await page.locator('[data-testid="notebook"]').getAttribute('data-mode'), 'command');
  await page.keyboard.press('ArrowUp');
  assert.equal(await activeIndex(), 1989);
});

test('the last cell is edited and run; its output is there after scrolling away and back', async () => {
  await page.locator('[data-testid="notebook"]').focus();
  await page.keyboard.press('End');
  await cell(page, N - 1).locator('.monaco-editor').waitFor();
  await page.keyboard.press('Enter');
  await page.waitForFunction((i) => document.activeElement?.closest(`[data-cell-index="${i}"] .monaco-editor`), N - 1);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('print("tail", 6 * 7)');
  await page.keyboard.press('Shift+Enter');
  // Running the last cell adds one below it, as in JupyterLab.
  await page.waitForSelector(`[data-testid="notebook"][data-total-cells="${N + 1}"]`);
  await cell(page, N - 1).locator('[data-testid="cell-output"]', { hasText: 'tail 42' }).waitFor({ timeout: 90_000 });
  await page.keyboard.press('Home');
  await eventually(async () => (await cell(page, N - 1).count()) === 0, 'the last cells are unmounted at the top');
  await page.keyboard.press('End');
  await cell(page, N - 1).locator('[data-testid="cell-output"]', { hasText: 'tail 42' }).waitFor();
  assert.match((await cell(page, N - 1).locator('.count').textContent()) ?? '', /\[\d+\]/);
  await screenshot(page, 'big-notebook');
  assert.deepEqual(errors, []);
});
