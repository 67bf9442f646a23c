// A labeling function votes one stage for a cell or abstains; all of them see the same pre-extracted features.
import type { Stage } from '../stages.ts';
import type { CellFeatures } from './features.ts';

export interface LabelingFunction {
  name: string;
  /** The only stage this function can vote for (unipolar LFs keep the label model identifiable). */
  stage: Stage;
  family: 'statements' | 'import' | 'load' | 'explore' | 'prep' | 'train' | 'eval';
  fires(f: CellFeatures): boolean;
}

export function lf(name: string, stage: Stage, family: LabelingFunction['family'], fires: (f: CellFeatures) => boolean): LabelingFunction {
  return { name, stage, family, fires };
}
