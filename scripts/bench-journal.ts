// bench:journal — from a keystroke to the crash journal and to the saved file, in Chromium (web mode): a quiet
// notebook, one with a cell printing every 0.25 s, and one holding a 50 MB output (Jupyter's own IOPub rate limit
// stops a cell from printing that much live, so the file is opened with it). Polls the files every 5 ms.
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../tests/helpers/browser.ts';
import { cell } from '../tests/helpers/notebook-page.ts';
import { serve } from '../tests/helpers/serve.ts';

const N = Number(process.env.BENCH_N ?? 8);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const loud = 'import time\nfor i in range(100000):\n    print("tick", i, flush=True)\n    time.sleep(0.25)';

function journalHas(dir: string, marker: string): boolean {
  try {
    return readdirSync(dir).some((f) => f.endsWith('.edits.json') && readFileSync(join(dir, f), 'utf8').includes(marker));
  } catch {
    return false;
  }
}

/**
 * The marker is typed into the first cell, so it sits in the file's first bytes: reading those, not 50 MB, keeps the
 * poll from delaying what it measures (a whole read of the big file took ~0.2 s of this loop).
 */
function fileHas(file: string, marker: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(1 << 16);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).toString('utf8').includes(marker);
  } finally {
    closeSync(fd);
  }
}

async function scenario(name: string, running: string | null, outputMb = 0): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gds-bench-journal-'));
  const home = mkdtempSync(join(tmpdir(), 'gds-home-'));
  const file = join(dir, 'nb.ipynb');
  writeFileSync(
    file,
    JSON.stringify({
      cells: [
        { cell_type: 'code', id: 'edit', metadata: {}, source: 'x = 1', outputs: [], execution_count: null },
        {
          cell_type: 'code',
          id: 'run',
          metadata: {},
          source: running ?? 'pass',
          execution_count: outputMb ? 1 : null,
          outputs: outputMb ? [{ output_type: 'stream', name: 'stdout', text: `${'x'.repeat(99)}\n`.repeat(outputMb * 10_000) }] : [],
        },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  const app = await serve({ file, home });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(app.url);
    await page.waitForSelector('[data-testid="cell-editor"] .monaco-editor');
    if (running) {
      await cell(page, 1).locator('.view-lines').click();
      await page.keyboard.press('Control+Enter');
      await cell(page, 1).locator('[data-testid="cell-output"]').waitFor({ timeout: 120_000 });
      await page.waitForTimeout(3000);
    }
    const journal: number[] = [];
    const saved: number[] = [];
    for (let i = 0; i < N; i++) {
      const marker = `m_${name.replace(/\W/g, '')}_${i}`;
      await cell(page, 0).locator('.view-lines').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await page.keyboard.type(`${marker} = ${i}`, { delay: 5 });
      const t0 = performance.now();
      let j = NaN;
      let s = NaN;
      while (performance.now() - t0 < 30_000 && (Number.isNaN(j) || Number.isNaN(s))) {
        if (Number.isNaN(j) && journalHas(join(home, 'journal'), marker)) j = performance.now() - t0;
        if (Number.isNaN(s) && fileHas(file, marker)) s = performance.now() - t0;
        await new Promise((r) => setTimeout(r, 5));
      }
      journal.push(Number.isNaN(j) ? s : j); // a save that lands first also clears the journal
      saved.push(s);
      await page.waitForTimeout(300);
    }
    const fmt = (xs: number[]) => `median ${pct(xs, 50).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
    console.log(
      `${name}: keystroke -> journal ${fmt(journal)}; keystroke -> saved file ${fmt(saved)} (n=${N}; file ${(statSync(file).size / 1e6).toFixed(1)} MB)`,
    );
  } finally {
    await browser.close();
    await app.stop();
  }
}

// `npm run bench:journal -- 50mb` runs one scenario (quiet, printing, 50mb); no argument runs all three.
const only = new Set(process.argv.slice(2));
const wanted = (name: string) => !only.size || only.has(name);
if (wanted('quiet')) await scenario('quiet notebook', null);
if (wanted('printing')) await scenario('a cell printing every 0.25 s', loud);
if (wanted('50mb')) await scenario('a 50 MB output in the notebook', null, 50);
