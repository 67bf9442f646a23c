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
