// The workflow-stage badge of a code cell, with the classifier's probabilities on hover.
import { STAGE_IDS, type StageId } from '../../../preload/contract.ts';
import { useMl } from '../stores/ml.ts';

export const STAGE_LABEL: Record<StageId, string> = {
  import: 'Imports', load: 'Load data', explore: 'Explore', prep: 'Prepare', train: 'Train', eval: 'Evaluate',
};

export function StageBadge({ cellId }: { cellId: string }) {
  const pred = useMl((s) => s.stages[cellId]);
  if (!pred) return null;
  const probs = STAGE_IDS.map((s) => `${STAGE_LABEL[s]}: ${(100 * (pred.probs[s] ?? 0)).toFixed(1)}%`).join('\n');
  const why = pred.context === 'reads-predictions' ? 'Evaluate: uses predictions made in an earlier cell'
    : pred.context === 'calls-notebook-function' ? `${STAGE_LABEL[pred.stage]}: calls a function this notebook defines for that`
    : pred.context === 'earlier-cells' ? `${STAGE_LABEL[pred.stage]}: judged with the cells before it` : '';
  const tip = why ? `${probs}\n${why}` : probs;
  return (
    <span className={`stage-badge stage-${pred.stage}`} data-testid="stage-badge" data-stage={pred.stage} data-context={pred.context} title={tip}>
      {STAGE_LABEL[pred.stage]}
    </span>
  );
}
