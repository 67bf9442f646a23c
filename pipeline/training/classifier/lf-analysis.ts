// Per-LF coverage, overlap, conflict (on unlabelled cells) and accuracy (on hand labels), as `gds label --analyze` prints them.
import type { LabelingFunction } from '../../../ml/classifier/labeling-functions/index.ts';
import { STAGES, type Stage } from '../../../ml/classifier/stages.ts';

export interface LfStats {
  name: string;
  stage: Stage;
  coverage: number;
  overlap: number;
  conflict: number;
  goldFired: number;
  goldAccuracy: number | null;
}

export function analyzeLfs(lfs: LabelingFunction[], votes: Int8Array, goldVotes?: Int8Array, goldStages?: Stage[]): LfStats[] {
  const m = lfs.length;
  const n = votes.length / m;
  const stats = lfs.map((l) => ({ name: l.name, stage: l.stage, fired: 0, overlap: 0, conflict: 0, goldFired: 0, goldOk: 0 }));
  for (let i = 0; i < n; i++) {
    const row = votes.subarray(i * m, (i + 1) * m);
    let firing = 0;
    const stagesHit = new Set<number>();
    for (let j = 0; j < m; j++) {
      if (row[j]! >= 0) {
        firing++;
        stagesHit.add(row[j]!);
      }
    }
    for (let j = 0; j < m; j++) {
      const v = row[j]!;
      if (v < 0) continue;
      const s = stats[j]!;
      s.fired++;
      if (firing > 1) s.overlap++;
      if ([...stagesHit].some((o) => o !== v)) s.conflict++;
    }
  }
  if (goldVotes && goldStages) {
    goldStages.forEach((g, i) => {
      for (let j = 0; j < m; j++) {
        const v = goldVotes[i * m + j]!;
        if (v < 0) continue;
        stats[j]!.goldFired++;
        if (STAGES[v] === g) stats[j]!.goldOk++;
      }
    });
  }
  return stats.map((s) => ({
    name: s.name,
    stage: s.stage,
    coverage: s.fired / Math.max(1, n),
    overlap: s.overlap / Math.max(1, n),
    conflict: s.conflict / Math.max(1, n),
    goldFired: s.goldFired,
    goldAccuracy: s.goldFired ? s.goldOk / s.goldFired : null,
  }));
}

export function formatLfStats(stats: LfStats[]): string {
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`.padStart(7);
  const lines = [`${'labeling function'.padEnd(32)} ${'stage'.padEnd(8)} coverage overlap conflict  gold-n gold-acc`];
  for (const s of stats) {
    lines.push(
      `${s.name.padEnd(32)} ${s.stage.padEnd(8)} ${pct(s.coverage)}  ${pct(s.overlap)} ${pct(s.conflict)}  ${String(s.goldFired).padStart(6)} ` +
        `${s.goldAccuracy === null ? '      -' : pct(s.goldAccuracy)}`,
    );
  }
  return lines.join('\n');
}
