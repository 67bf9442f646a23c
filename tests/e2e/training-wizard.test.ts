// The training wizard end to end: real PyTorch training on a slice of the Kaggle crawl, the service killed
// mid-training, restarted and resumed from its checkpoint, then installed; the editor then uses the new model.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureKaggleCorpus } from '../../pipeline/corpus-cache.ts';
import { launchBrowser, screenshot } from '../helpers/browser.ts';
import { typeInCell } from '../helpers/notebook-page.ts';
import { repoRoot, serve, type Served } from '../helpers/serve.ts';

const SLICE = ['titanic', 'house-prices-advanced-regression-techniques'];
const apps: Served[] = [];
let browser: Browser | undefined;
after(async () => {
  await browser?.close();
  for (const a of apps) await a.stop();
});

function findFile(dir: string, name: string): string | null {
  if (!existsSync(dir)) return null;
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (entry === name) return p;
    if (statSync(p).isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    }
  }
  return null;
}

async function openWizard(page: Page, url: string): Promise<void> {
  // A restarted service has the same URL (port and token are kept): leave first, so the page really loads again.
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector('[data-testid="cell"]');
  await page.click('[data-testid="panel-training"]');
  await page.waitForSelector('[data-testid="training-wizard"]');
}

test('wizard: train, kill the service during training, resume, install, and the editor uses the new model', { timeout: 20 * 60_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'gds-wizard-'));
  const slice = join(work, 'slice', 'datasets');
  for (const slug of SLICE) {
    const src = join(ensureKaggleCorpus(), 'datasets', slug);
    if (existsSync(src)) cpSync(src, join(slice, slug), { recursive: true });
  }
  const home = join(work, 'home');
  const first = await serve({ home });
  apps.push(first);
  browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  await openWizard(page, first.url);
  await page.getByText(/PyTorch \d/).waitFor({ timeout: 60_000 });

  await page.getByLabel('import a folder or zip of notebooks').check();
  await page.fill('[data-testid="wizard-path"]', join(work, 'slice'));
  await page.fill('[data-testid="wizard-epochs"]', '3');
  await page.fill('[data-testid="wizard-max-cells"]', '2000');
  // Self-training: the new classifier learns the bundled one's in-context answers (nothing is installed yet).
  await page.check('[data-testid="wizard-self-train"]');
  await page.click('[data-testid="wizard-start"]');
  await page.waitForSelector('[data-testid="step-import"][data-status="done"]', { timeout: 5 * 60_000 });
  await page.waitForSelector('[data-testid="step-train-classifier"][data-status="running"]', { timeout: 5 * 60_000 });

  // Kill the service only once training has written a checkpoint, so the resume has something to resume from.
  const pipelineDir = join(home, 'pipeline');
  const deadline = Date.now() + 8 * 60_000;
  while (!findFile(pipelineDir, 'checkpoint.pt')) {
    assert.ok(Date.now() < deadline, 'the classifier trainer wrote a checkpoint');
    const failed = await page.locator('[data-testid="wizard-run"] li[data-status="failed"]').count();
    assert.equal(failed, 0, `a step failed: ${await page.textContent('[data-testid="wizard-run"]')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  await screenshot(page, 'wizard-training');
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));

  const second = await serve({ home });
  apps.push(second);
  await openWizard(page, second.url);
  await page.waitForSelector('[data-testid="wizard-run"][data-status="interrupted"]', { timeout: 30_000 });
  await page.click('[data-testid="wizard-resume"]');
  await page.waitForSelector('[data-testid="step-train-classifier"][data-status="done"]', { timeout: 10 * 60_000 });
  assert.match((await page.textContent('[data-testid="step-train-classifier"]')) ?? '', /resumed from checkpoint/);
  assert.match((await page.textContent('[data-testid="step-import"]')) ?? '', /done/, 'finished steps are not redone');
  await page.waitForSelector('[data-testid="wizard-run"][data-status="done"]', { timeout: 10 * 60_000 });
  await page.waitForSelector('[data-testid="wizard-compare"]');
  await page.waitForSelector('[data-testid="loss-chart"]');
  await screenshot(page, 'wizard-done');

  await page.click('[data-testid="wizard-install"]');
  await page.getByText('New classifier model is live').waitFor({ timeout: 30_000 });
  const installed = join(home, 'models', 'classifier');
  assert.ok(existsSync(join(installed, 'manifest.json')));
  assert.ok(existsSync(join(installed, 'stacker.json')), 'training fitted the stacker on the hand labels too');
  // The teacher is the bundled classifier (nothing was installed), frozen into the step folder for the resume.
  const targets = (
    JSON.parse(readFileSync(join(installed, 'manifest.json'), 'utf8')) as { data: { targets: { kind: string; dir?: string; dataHash?: string } } }
  ).data.targets;
  const bundledHash = (
    JSON.parse(readFileSync(join(repoRoot, 'resources', 'models', 'classifier', 'manifest.json'), 'utf8')) as { data: { dataHash: string } }
  ).data.dataHash;
  assert.equal(targets.kind, 'teacher', "the wizard's self-training choice reached the classifier step");
  assert.match(targets.dir ?? '', /[/\\]teacher$/);
  assert.equal(targets.dataHash, bundledHash);

  // The editor's badge now carries the new model's probabilities, not the bundled model's. The editor judges cells
  // in notebook context (the new model's stacker); the first cell's answer depends on no other cell, so one
  // `classify --jsonl` line naming a notebook gets exactly what the badge shows.
  const source = 'df = pd.read_csv("train.csv")';
  const probsOf = (model: string) => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin/gds.mjs'), 'classify', '--jsonl', '--model', model], {
      input: `${JSON.stringify({ id: 'x', notebook: 'nb', source })}\n`,
      encoding: 'utf8',
    });
    return (JSON.parse(r.stdout.trim()) as { probs: Record<string, number> }).probs;
  };
  const fresh = probsOf(installed);
  const bundled = probsOf(join(repoRoot, 'resources', 'models', 'classifier'));
  const pct = (p: Record<string, number>) => `Load data: ${(100 * (p.load ?? 0)).toFixed(1)}%`;
  assert.notEqual(pct(fresh), pct(bundled), 'the trained model differs from the bundled one on this cell');
  await page.click('[data-testid="panel-outline"]');
  await typeInCell(page, 0, source);
  const badge = page.locator('[data-testid="cell"][data-cell-index="0"] [data-testid="stage-badge"]');
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="cell"][data-cell-index="0"] [data-testid="stage-badge"]')?.getAttribute('title')?.includes(want),
    pct(fresh),
    { timeout: 60_000 },
  );
  assert.match((await badge.getAttribute('title')) ?? '', new RegExp(pct(fresh).replace(/[.%()]/g, '\\$&')));
});
