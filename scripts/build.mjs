#!/usr/bin/env node
// Builds the three Electron targets: renderer (Vite), main + inference worker and preload (esbuild, CommonJS).
// `node scripts/build.mjs renderer` builds only the renderer (all that web mode needs).
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv[2];

// Native modules stay outside the bundle; electron-builder rebuilds them for Electron's ABI.
const external = ['electron', 'onnxruntime-node', 'tree-sitter', 'tree-sitter-python', 'better-sqlite3', 'bufferutil', 'utf-8-validate', 'tsx'];
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external,
  absWorkingDir: root,
  logLevel: 'warning',
  // ESM sources read import.meta.url; in the CommonJS bundle it becomes this file's URL.
  define: { 'import.meta.url': '__gds_import_meta_url' },
  banner: { js: "const __gds_import_meta_url = require('url').pathToFileURL(__filename).href;" },
};

const t0 = Date.now();
await viteBuild({ configFile: `${root}renderer/vite.config.ts`, logLevel: 'warn' });
console.log(`renderer built in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
if (only !== 'renderer') {
  await Promise.all([
    esbuild({
      ...common,
      entryPoints: { 'electron-main': 'main/electron/electron-main.ts', 'inference-worker': 'main/workers/inference-worker.ts' },
      outdir: 'dist/main',
      outExtension: { '.js': '.cjs' },
    }),
    esbuild({
      ...common,
      entryPoints: { preload: 'preload/preload.ts' },
      outdir: 'dist/preload',
      outExtension: { '.js': '.cjs' },
      external: ['electron'],
    }),
  ]);
  console.log(`electron main, worker and preload built in ${((Date.now() - t0) / 1000).toFixed(1)}s total`);
}
