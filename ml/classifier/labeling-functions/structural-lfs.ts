// LFs over the spec's line-count rule and over the shape of the tree (all imports, one display expression, ...).
import { STAGES } from '../stages.ts';
import type { CellFeatures } from './features.ts';
import { majorityStage, stageLines, statementStage } from './statement-rules.ts';
import { lf, type LabelingFunction } from './types.ts';

const IMPORTS = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

function share(f: CellFeatures, index: number): number {
  const counts = stageLines(f);
  const total = counts.reduce((a, b) => a + b, 0);
  return total === 0 ? 0 : counts[index]! / total;
}

const majority = STAGES.map((stage) => lf(`stmt_majority_${stage}`, stage, 'statements', (f) => majorityStage(f) === stage));
const pure = STAGES.map((stage, i) =>
  lf(
    `stmt_all_${stage}`,
    stage,
    'statements',
    (f) => f.statements.length > 0 && share(f, i) === 1 && f.statements.some((s) => statementStage(s) === stage),
  ),
);

export const structuralLfs: LabelingFunction[] = [
  ...majority,
  ...pure,
  lf('only_imports_and_magics', 'import', 'import', (f) => f.statements.length > 0 && f.statements.every((s) => IMPORTS.has(s.kind))),
  lf('mostly_imports', 'import', 'import', (f) => f.statements.filter((s) => IMPORTS.has(s.kind)).length / Math.max(1, f.statements.length) >= 0.6),
  lf('only_magics', 'import', 'import', (f) => f.statements.length === 0 && f.magics.length > 0),
  lf(
    'single_bare_expression',
    'explore',
    'explore',
    (f) =>
      f.statements.length === 1 &&
      f.statements[0]!.kind === 'expression_statement' &&
      f.statements[0]!.targets.length === 0 &&
      !f.statements[0]!.calls.some((c) => /predict|fit|to_csv|score/.test(c)),
  ),
  lf(
    'single_def_transform',
    'prep',
    'prep',
    (f) => f.statements.length >= 1 && f.statements.every((s) => s.kind === 'function_definition') && !f.calls.has('fit') && !f.calls.has('predict'),
  ),
];
