// Vite builds the renderer once for both hosts: Electron loads it from the app:// protocol, web mode serves it.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
  },
  worker: { format: 'es' },
  // monaco-editor's exports map hides its ESM files (and CSS); point straight at them.
  resolve: { alias: { 'monaco-esm': fileURLToPath(new URL('../node_modules/monaco-editor/esm/vs', import.meta.url)) } },
  esbuild: { jsx: 'automatic' },
});
