// Counts where keys sit in the workflow stages (ml/recommender/key-stages.ts): the classifier's in-context stage of
// every non-empty code cell of the training notebooks, the keys each cell uses, and the stage that follows each stage.
import { STAGES, stageIndex, type Stage } from '../../../ml/classifier/stages.ts';
import type { KeyStagesJson } from '../../../ml/recommender/key-stages.ts';

/** Keys used at least this often are kept: what a shipped model can afford beside the n-grams (≤ 40 MB in all). */
const MIN_USES = 5;

export class KeyStageCounter {
  private readonly cells = STAGES.map(() => 0);
  private readonly transitions = STAGES.map(() => STAGES.map(() => 0));
  private readonly byKey = new Map<string, number[]>();

  /** `stages`: one per code cell (undefined: an empty cell); `keys`: each statement's cell and call key. */
  addNotebook(stages: ReadonlyArray<Stage | undefined>, keys: ReadonlyArray<{ cell: number; key: string }>): void {
    let prev: number | undefined;
    for (const stage of stages) {
      if (stage === undefined) continue;
      const s = stageIndex(stage);
      this.cells[s]!++;
      if (prev !== undefined) this.transitions[prev]![s]!++;
      prev = s;
    }
    for (const { cell, key } of keys) {
      const stage = stages[cell];
      if (!key || stage === undefined) continue;
      const row = this.byKey.get(key) ?? STAGES.map(() => 0);
      row[stageIndex(stage)]!++;
      this.byKey.set(key, row);
    }
  }

  toJson(): KeyStagesJson {
    const byKey: Record<string, number[]> = {};
    for (const [k, row] of [...this.byKey].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (row.reduce((a, b) => a + b, 0) >= MIN_USES) byKey[k] = row;
    return { kind: 'key-stages', stages: [...STAGES], cells: [...this.cells], transitions: this.transitions.map((r) => [...r]), byKey };
  }
}
