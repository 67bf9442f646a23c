// Page helpers for driving the notebook UI the way a person does: click, type, press keys.
import type { Locator, Page } from 'playwright-core';

export function cell(page: Page, index: number): Locator {
  return page.locator(`[data-testid="cell"][data-cell-index="${index}"]`);
}

/** Replaces a code cell's text by typing into its Monaco editor. */
export async function typeInCell(page: Page, index: number, code: string): Promise<void> {
  const editor = cell(page, index).locator('[data-testid="cell-editor"]');
  await editor.waitFor();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(code, { delay: 5 });
}

/** How many cells the notebook has, mounted or not (a big notebook mounts only those near the scroll position). */
export async function cellCount(page: Page): Promise<number> {
  const total = await page.getAttribute('[data-testid="notebook"]', 'data-total-cells');
  return total === null ? page.locator('[data-testid="cell"]').count() : Number(total);
}

/** Adds a code cell at the end with the notebook's "+ Code" button and types into it. */
export async function appendCodeCell(page: Page, code: string): Promise<number> {
  const n = await cellCount(page);
  const add = page.locator('button.add-cell', { hasText: '+ Code' });
  await add.click();
  // Chips that arrive for the cell above (the first request loads the recommender) can move the button between
  // Playwright's stability check and the click; a person would click again, and so does this helper.
  if (!(await cell(page, n).waitFor({ state: 'attached', timeout: 5_000 }).then(() => true, () => false))) await add.click();
  await cell(page, n).scrollIntoViewIfNeeded();
  await typeInCell(page, n, code);
  return n;
}

export async function kernelStatus(page: Page): Promise<string> {
  return (await page.getAttribute('[data-testid="kernel-status"]', 'data-status')) ?? '';
}

export async function waitForKernel(page: Page, status: string, timeout = 60_000): Promise<void> {
  await page.waitForSelector(`[data-testid="kernel-status"][data-status="${status}"]`, { timeout });
}
