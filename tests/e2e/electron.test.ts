// Electron end to end with Playwright's _electron; runs only where an Electron binary exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { repoRoot } from '../helpers/serve.ts';

function electronBinary(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pathFile = join(require.resolve('electron/package.json'), '..', 'path.txt');
    if (!existsSync(pathFile)) return null;
    const bin = join(require.resolve('electron/package.json'), '..', 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const bin = electronBinary();
if (!bin) console.log('skipped: no Electron binary (run `npx install-electron` where the internet is reachable to enable these tests)');

test('Electron: a hardened window shows the notebook', { skip: bin ? false : 'skipped: no Electron binary' }, async () => {
  const app = await electron.launch({
    executablePath: bin!,
    args: [join(repoRoot, 'dist/main/electron-main.cjs')],
    env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
  });
  try {
    const win = await app.firstWindow();
    await win.waitForSelector('[data-testid="cell"]', { timeout: 60_000 });
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const w = BrowserWindow.getAllWindows()[0]!;
      // getLastWebPreferences exists at run time but is missing from some versions' typings.
      const wc = w.webContents as unknown as { getLastWebPreferences?: () => Record<string, unknown> };
      const p = wc.getLastWebPreferences?.() ?? {};
      return { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration };
    });
    assert.deepEqual(prefs, { contextIsolation: true, sandbox: true, nodeIntegration: false });
    assert.equal(await win.evaluate(() => typeof (window as unknown as { require?: unknown }).require), 'undefined');
    assert.equal(await win.evaluate(() => typeof (window as unknown as { gds?: { kernel?: unknown } }).gds?.kernel), 'object');
  } finally {
    await app.close();
  }
});
