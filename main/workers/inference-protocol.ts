// Messages between MlService and the inference worker.
import type { LintCell } from '../../ml/guidance/types.ts';

export type WorkerRequest =
  | { id: number; op: 'classify'; sources: string[]; notebook: boolean }
  | {
      id: number;
      op: 'suggest';
      cells: string[];
      top: number;
      columns?: string[];
      bias?: Array<[string, number]>;
      files?: string[];
      markdown?: string[];
    }
  | { id: number; op: 'lint'; cells: LintCell[]; ignored: string[] }
  | { id: number; op: 'reload' }
  | { id: number; op: 'warm' };

export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
