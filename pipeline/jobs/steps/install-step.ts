// The install step: a trained model folder becomes the installed model (atomic swap, old one kept for rollback).
import { z } from 'zod';
import { installModel, type InstallResult } from '../install.ts';
import { defineStep } from './step.ts';

export const installModelStep = defineStep({
  name: 'install-model',
  params: z.strictObject({ dir: z.string(), kind: z.enum(['classifier', 'recommender']) }),
  async run(p, io): Promise<InstallResult> {
    const r = installModel(p.dir, p.kind);
    io.out(`installed ${p.kind} to ${r.installed}${r.previous ? `; previous kept at ${r.previous}` : ''}`);
    return r;
  },
});
