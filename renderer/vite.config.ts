// Vite builds the renderer once for both hosts: Electron loads it from the app:// protocol, web mode serves it.
import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';

/**
 * The editor chunk (Monaco, 3.7 MB) is named in index.html as a module to preload: the browser downloads and compiles
 * it beside the first screen, off the page's main thread, and evaluates it only when the first editor imports it.
 */
function preloadEditorChunk(): Plugin {
  return {
    name: 'gds-preload-editor-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.isDynamicEntry && c.name === 'CellEditor');
        if (!chunk) throw new Error('gds-preload-editor-chunk: no CellEditor chunk in the bundle');
        return [{ tag: 'link', attrs: { rel: 'modulepreload', href: `./${chunk.fileName}` }, injectTo: 'head' }];
      },
    },
  };
}

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
  plugins: [preloadEditorChunk()],
});
