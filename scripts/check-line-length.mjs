#!/usr/bin/env node
// Lines a reader can see whole: fails when the tracked sources hold more than ALLOWED lines over LIMIT characters,
// and lists them. Prettier (`npx prettier --write FILE`) wraps code; long regular expressions need a hand.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const LIMIT = 160;
const ALLOWED = 20;
const root = new URL('..', import.meta.url).pathname;
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|tsx|mjs|cjs|js|py)$/.test(f) && !f.startsWith('node_modules/') && existsSync(`${root}${f}`));
const long = [];
for (const f of files) {
  readFileSync(`${root}${f}`, 'utf8')
    .split('\n')
    .forEach((line, i) => line.length > LIMIT && long.push(`${f}:${i + 1} (${line.length})`));
}
console.log(`${long.length} source lines over ${LIMIT} characters (at most ${ALLOWED} allowed)`);
if (long.length > ALLOWED) {
  console.log(long.join('\n'));
  process.exit(1);
}
