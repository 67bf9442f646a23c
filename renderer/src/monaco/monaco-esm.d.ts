// Types for the aliased Monaco ESM paths (see vite.config.ts).
declare module 'monaco-esm/editor/editor.api.js' {
  export * from 'monaco-editor';
}
declare module 'monaco-esm/*';
