import { writeFileSync } from 'node:fs';
import { launchBrowser } from '../../tests/helpers/browser.ts';
import { serve } from '../../tests/helpers/serve.ts';
const app = await serve({ file: '/tmp/hprof/big.ipynb', env: { GDS_RENDERER_DIR: '/tmp/r-dev' } });
const browser = await launchBrowser();
for (let r = 0; r < 3; r++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const t = performance.now();
  await page.goto(app.url);
  await page.waitForSelector('[data-testid="cell"]');
  console.log('first cell', (performance.now() - t).toFixed(0));
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
  writeFileSync(`/tmp/open-${r}.cpuprofile`, JSON.stringify(profile));
  await page.close();
}
await browser.close(); await app.stop();
