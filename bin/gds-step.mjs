#!/usr/bin/env node
// Entry of a pipeline step's child process (started by pipeline/jobs, never by hand): the same tsx loader as bin/gds.mjs,
// then pipeline/jobs/step-child.ts reads the typed task from argv and runs it.
import { register } from 'tsx/esm/api';

register();
const { runStepChild } = await import('../pipeline/jobs/step-child.ts');
process.exitCode = await runStepChild(process.argv.slice(2));
