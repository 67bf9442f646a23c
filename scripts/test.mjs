#!/usr/bin/env node
// Runs the whole test suite with Node's own test runner (tsx compiles TypeScript on the fly).
// `npm test` = typecheck + dependency rules + build + every *.test.ts; `npm test -- unit` = tests/unit only.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv[2];
const root = new URL('..', import.meta.url).pathname;

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

function step(label, cmd, args) {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    console.error(`== ${label} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

mkdirSync(join(root, 'test-results'), { recursive: true });
if (!only) {
  step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  step('typecheck renderer', 'npx', ['tsc', '-p', 'renderer/tsconfig.json', '--noEmit']);
  step('typecheck tests and scripts', 'npx', ['tsc', '-p', 'tests/tsconfig.json', '--noEmit']);
  step('line length', 'node', ['scripts/check-line-length.mjs']);
  step('dependency rules', 'npx', ['depcruise', '--config', '.dependency-cruiser.cjs', 'main', 'preload', 'renderer', 'ml', 'pipeline', 'scripts']);
  step('build', 'node', ['scripts/build.mjs']);
}
const files = find(join(root, 'tests', only ?? '')).map((f) => f.slice(root.length));
step(`tests (${files.length} files)`, 'node', [
  '--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files,
]);
