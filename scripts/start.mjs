#!/usr/bin/env node
// `npm start`: builds if needed, then launches Electron when its binary is present, otherwise web mode (and says why).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
if (!existsSync(join(root, 'dist/renderer/index.html')) || !existsSync(join(root, 'dist/main/electron-main.cjs'))) {
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function electronBinary() {
  try {
    const require = createRequire(import.meta.url);
    const dir = join(require.resolve('electron/package.json'), '..');
    const bin = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const bin = electronBinary();
const hasDisplay = process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
if (bin && hasDisplay) {
  const child = spawn(bin, [join(root, 'dist/main/electron-main.cjs'), ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const why = !bin ? 'no Electron binary is installed (npx install-electron needs the internet)' : 'there is no display';
  console.log(`Starting web mode because ${why}. Open the URL below in a browser.`);
  // The app as users run it: results are not checked against the contract (tests and `gds serve` from a shell do).
  const env = { ...process.env, GDS_CHECK_RESULTS: process.env.GDS_CHECK_RESULTS ?? '0' };
  const child = spawn(process.execPath, [join(root, 'bin/gds.mjs'), 'serve', ...args], { stdio: 'inherit', env });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}
