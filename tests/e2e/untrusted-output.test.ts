// Outputs and markdown that carry <script> or event handlers never run in the app's origin.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../helpers/browser.ts';
import { serve, type Served } from '../helpers/serve.ts';

let browser: Browser | undefined;
let app: Served | undefined;
after(async () => {
  await browser?.close();
  await app?.stop();
});

const attack = (n: number) => `window.top.__pwned = (window.top.__pwned || []).concat(${n})`;
// Output frames may run one script, the app's size script: a payload that touches only its own frame must not run.
const inFrame = `<script>document.documentElement.dataset.ran = 'script'</script><img src="y" onerror="document.documentElement.dataset.ran = 'onerror'">`;

test('script and onerror payloads in outputs and markdown do not run in the app', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-xss-'));
  const file = join(dir, 'hostile.ipynb');
  const display = (data: Record<string, string>) => ({ output_type: 'display_data', data, metadata: {} });
  writeFileSync(
    file,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: 'markdown',
          id: 'm1',
          metadata: {},
          source: `# Title\n<script>${attack(1)}</script>\n<img src="x" onerror="${attack(2)}">\n<a href="javascript:${attack(3)}">link</a>`,
        },
        {
          cell_type: 'code',
          id: 'c1',
          metadata: {},
          source: 'show()',
          execution_count: 1,
          outputs: [
            display({ 'text/html': `<b>html</b><script>${attack(4)}</script><img src="x" onerror="${attack(5)}">${inFrame}` }),
            display({ 'image/svg+xml': `<svg xmlns="http://www.w3.org/2000/svg" onload="${attack(6)}"><script>${attack(7)}</script></svg>` }),
            display({ 'text/markdown': `<img src="x" onerror="${attack(8)}"> **md**` }),
            display({ 'application/javascript': attack(9), 'text/plain': '<IPython.core.display.Javascript object>' }),
            { output_type: 'stream', name: 'stdout', text: `<script>${attack(10)}</script><img src=x onerror="${attack(11)}">` },
            { output_type: 'error', ename: 'E', evalue: 'v', traceback: [`<img src=x onerror="${attack(12)}">`] },
          ],
        },
      ],
    }),
  );
  app = await serve({ file });
  browser = await launchBrowser();
  const page = await browser.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(app.url);
  await page.waitForSelector('iframe.output-frame');
  await page.waitForTimeout(1500);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number[] }).__pwned), undefined);
  for (const frame of await page.locator('iframe').all()) {
    assert.equal(
      await frame.getAttribute('sandbox'),
      'allow-scripts',
      'every output iframe is sandboxed to an opaque origin (never allow-same-origin)',
    );
    const inside = await (await frame.elementHandle())?.contentFrame();
    assert.equal(
      await inside?.evaluate(() => document.documentElement.dataset.ran ?? null),
      null,
      'no script or handler of the output ran in its frame',
    );
  }
  // Text outputs show the payload as text.
  await page.getByText('<script>window.top.__pwned').first().waitFor();
  assert.equal(await page.locator('.markdown script, .outputs script').count(), 0);
  assert.equal(await page.locator('[onerror]').count(), 0);
  assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
  await screenshot(page, 'untrusted-output');
  assert.deepEqual(dialogs, []);
});
