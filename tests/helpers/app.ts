// The end-to-end tests' common start: `gds serve` a notebook, open it in headless Chromium, wait until the app is up.
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, watchErrors } from './browser.ts';
import { serve, type Served } from './serve.ts';

/** The app is up once a cell's Monaco editor is on the page (the notebook loaded, the editor bundle ran). */
export const EDITOR_READY = '[data-testid="cell-editor"] .monaco-editor';

export interface OpenAppOptions {
  /** Options for `gds serve`: the notebook it opens, its home, environment and extra arguments. */
  serve?: Parameters<typeof serve>[0];
  viewport?: { width: number; height: number };
  /** The selector that says the page is ready (default EDITOR_READY), and how long to wait for it (Playwright's default). */
  ready?: string;
  readyTimeout?: number;
  /** A browser the test already runs (several servers in one file); closeApp leaves it open. Else one is launched. */
  browser?: Browser;
}

export interface OpenedApp {
  app: Served;
  browser: Browser;
  page: Page;
  /** Page errors seen so far (watchErrors). */
  errors: string[];
  /** Whether closeApp closes the browser: it does only for one openApp launched. */
  ownsBrowser: boolean;
}

/**
 * Starts `gds serve`, then a browser (unless given), opens the app's URL in a new page and waits for `ready`. What it
 * started is stopped again if a later step fails, so a failing `before` leaves no server or browser behind.
 */
export async function openApp(opts: OpenAppOptions = {}): Promise<OpenedApp> {
  const app = await serve(opts.serve);
  let browser = opts.browser;
  try {
    browser ??= await launchBrowser();
    const page = await browser.newPage(opts.viewport ? { viewport: opts.viewport } : undefined);
    const errors = watchErrors(page);
    await page.goto(app.url);
    await page.waitForSelector(opts.ready ?? EDITOR_READY, opts.readyTimeout === undefined ? undefined : { timeout: opts.readyTimeout });
    return { app, browser, page, errors, ownsBrowser: !opts.browser };
  } catch (e) {
    if (!opts.browser) await browser?.close();
    await app.stop();
    throw e;
  }
}

/** openApp's companion for `after`: closes the browser it launched and stops the server; safe when it never opened. */
export async function closeApp(opened: OpenedApp | undefined): Promise<void> {
  if (!opened) return;
  if (opened.ownsBrowser) await opened.browser.close();
  await opened.app.stop();
}
