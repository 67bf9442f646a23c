// Where the corpus's keys sit in the workflow (the classifier's stages, as the badges show them) and which stage follows
// which: reranker features that tie a candidate to the stage the user is in (issue #20: one stage source for both).
import { STAGES, stageIndex, type Stage } from '../classifier/stages.ts';

export interface KeyStagesJson {
  kind: 'key-stages';
  /** The stage order of every row below (the contract's STAGE_IDS when counted). */
  stages: string[];
  /** Non-empty code cells counted, per stage. */
  cells: number[];
  /** transitions[a][b]: a non-empty cell of stage b right after one of stage a. */
  transitions: number[][];
  /** Per key: its uses in cells of each stage. */
  byKey: Record<string, number[]>;
}

export const STAGE_FEATURES = ['stage', 'key_stage_p', 'key_stage_lift', 'key_stage_next'] as const;

/** Weight of the stage prior in a key's smoothed distribution: a key seen twice is mostly the prior. */
const PRIOR_WEIGHT = 3;

function normalised(row: readonly number[]): number[] {
  const sum = row.reduce((a, b) => a + b, 0);
  return row.map((x) => (sum > 0 ? x / sum : 1 / row.length));
}

export class KeyStages {
  private readonly prior: number[];
  private readonly next: number[][];

  constructor(private readonly json: KeyStagesJson) {
    if (json.stages.join() !== STAGES.join()) throw new Error(`key stages counted in the order ${json.stages.join(', ')}, not ${STAGES.join(', ')}`);
    this.prior = normalised(json.cells);
    this.next = STAGES.map((_s, a) => normalised(json.transitions[a] ?? []));
  }

  /** P(stage | key), smoothed towards the share of cells in each stage; undefined for a key too rare to count. */
  private distribution(key: string): number[] | undefined {
    const c = this.json.byKey[key];
    if (!c) return undefined;
    const n = c.reduce((a, b) => a + b, 0);
    return this.prior.map((p, s) => ((c[s] ?? 0) + PRIOR_WEIGHT * p) / (n + PRIOR_WEIGHT));
  }

  /** STAGE_FEATURES for a candidate key at a position whose stage is `stage` (-1 where unknown). */
  features(key: string, stage: Stage | undefined): number[] {
    if (stage === undefined) return [-1, -1, -1, -1];
    const s = stageIndex(stage);
    const d = this.distribution(key);
    if (!d) return [s, -1, -1, -1];
    const row = this.next[s]!;
    return [s, d[s]!, d[s]! / Math.max(1e-6, this.prior[s]!), row.reduce((a, t, b) => a + t * d[b]!, 0)];
  }
}
