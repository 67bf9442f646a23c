#!/usr/bin/env node
// Entry point of the `gds` command line: runs the TypeScript sources through tsx, so `npx gds` works after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../main/cli/run.ts');
await runCli(process.argv);
