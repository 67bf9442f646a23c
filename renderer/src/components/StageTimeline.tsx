// The notebook's stage timeline: one coloured step per code cell; click to jump to the cell.
import { STAGE_IDS } from '../../../preload/contract.ts';
import { useMl } from '../stores/ml.ts';
import { useNotebook } from '../stores/notebook.ts';
import { STAGE_LABEL } from './StageBadge.tsx';

const NO_CELLS: never[] = [];

export function StageTimeline() {
  const cells = useNotebook((s) => s.doc?.cells ?? NO_CELLS);
  const stages = useMl((s) => s.stages);
  const error = useMl((s) => s.modelError);
  const code = cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === 'code');
  const counts = Object.fromEntries(STAGE_IDS.map((s) => [s, 0])) as Record<string, number>;
  for (const { c } of code) {
    const st = stages[c.id]?.stage;
    if (st) counts[st] = (counts[st] ?? 0) + 1;
  }
  return (
    <div className="timeline" data-testid="stage-timeline">
      <h3>Workflow</h3>
      {error && <p className="error-text">{error}</p>}
      <div className="timeline-strip">
        {code.map(({ c, i }) => {
          const st = stages[c.id]?.stage;
          return <button key={c.id} className={`tl-step stage-${st ?? 'none'}`} title={`Cell ${i + 1}: ${st ? STAGE_LABEL[st] : 'not classified'}`}
            onClick={() => useNotebook.getState().select(i)} />;
        })}
      </div>
      <ul className="legend">
        {STAGE_IDS.map((s) => <li key={s}><span className={`dot stage-${s}`} />{STAGE_LABEL[s]} <span className="muted">{counts[s]}</span></li>)}
      </ul>
    </div>
  );
}
