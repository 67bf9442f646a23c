// Layering rules (CI fails on a violation): renderer → contract ← preload; main → contract, ml, pipeline; pipeline → ml, contract;
// scripts → anything, and nothing → scripts. ml/ is what the app runs at inference time: training lives in pipeline/training.
module.exports = {
  forbidden: [
    {
      name: 'ml-is-pure',
      severity: 'error',
      from: { path: '^ml/' },
      to: { path: '^(main|renderer|preload|pipeline)/|^electron$', pathNot: '^preload/contract\\.ts$' },
    },
    { name: 'ml-starts-no-processes', severity: 'error', from: { path: '^ml/' }, to: { path: '^(node:)?child_process$' } },
    { name: 'ml-no-electron', severity: 'error', from: { path: '^ml/' }, to: { path: 'node_modules/electron/' } },
    {
      // The contract is the shared vocabulary (step names, model kinds, stages): pipeline may read it, as ml does.
      name: 'pipeline-no-app',
      severity: 'error',
      from: { path: '^pipeline/' },
      to: { path: '^(main|renderer|preload)/|node_modules/electron/', pathNot: '^preload/contract\\.ts$' },
    },
    { name: 'renderer-only-contract', severity: 'error', from: { path: '^renderer/' }, to: { path: '^(main|ml|pipeline)/|node_modules/electron/' } },
    {
      name: 'renderer-preload-contract-only',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^preload/', pathNot: '^preload/contract\\.ts$' },
    },
    { name: 'preload-only-contract', severity: 'error', from: { path: '^preload/' }, to: { path: '^(main|renderer|ml|pipeline)/' } },
    { name: 'nothing-imports-scripts', severity: 'error', from: { pathNot: '^scripts/' }, to: { path: '^scripts/' } },
    {
      // Monaco (3.7 MB) is only in the lazily loaded editor chunk, so the first cells paint before it is evaluated:
      // outside that chunk it is reached by dynamic import or as types only (check-markers.ts takes it from monaco-ns.ts).
      name: 'monaco-only-in-the-editor-chunk',
      severity: 'error',
      from: { path: '^renderer/src/', pathNot: '^renderer/src/(monaco/(monaco|kernel-help)\\.ts|components/(CellEditor\\.tsx|ghost-text\\.ts))$' },
      to: {
        path: '^renderer/src/(monaco/monaco\\.ts|components/(CellEditor\\.tsx|ghost-text\\.ts))$|node_modules/monaco-editor/',
        dependencyTypesNot: ['type-only', 'type-import', 'dynamic-import'],
      },
    },
    {
      // KaTeX (script, CSS, fonts) is fetched when the first math is drawn, never with the first screen.
      name: 'katex-only-on-demand',
      severity: 'error',
      from: { path: '^renderer/src/' },
      to: { path: 'node_modules/katex/', dependencyTypesNot: ['type-only', 'type-import', 'dynamic-import'] },
    },
    {
      name: 'services-no-electron',
      severity: 'error',
      from: { path: '^main/(services|host|web|cli|workers)/' },
      to: { path: 'node_modules/electron/|^main/electron/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
