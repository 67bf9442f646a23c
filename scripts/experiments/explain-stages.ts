// Shows how the line-count rule reads a cell: each statement (and body statement) with its stage, then the cell's stage.
//   node --import tsx scripts/experiments/explain-stages.ts < cell.py
import { readFileSync } from 'node:fs';
import { extractFeatures, type Statement } from '../../ml/classifier/labeling-functions/features.ts';
import { majorityStage, stageLines, statementStage } from '../../ml/classifier/labeling-functions/statement-rules.ts';
import { STAGES } from '../../ml/classifier/stages.ts';

const features = extractFeatures(readFileSync(0, 'utf8'));
const show = (s: Statement, depth: number): void => {
  console.log(`${'  '.repeat(depth)}[${statementStage(s) ?? '-'}] ${s.kind} (${s.lines} lines) :: ${s.text.split('\n')[0]!.slice(0, 90)}`);
  for (const c of s.children) show(c, depth + 1);
};
features.statements.forEach((s) => show(s, 0));
console.log(`lines per stage (in cell context): ${stageLines(features).map((n, i) => `${STAGES[i]}=${n}`).join(' ')}`);
console.log(`cell stage: ${majorityStage(features) ?? '(none)'}`);
