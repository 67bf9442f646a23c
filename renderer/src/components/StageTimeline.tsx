// The notebook's stage timeline: one coloured step per code cell; click to jump to the cell.
import { useMemo } from 'react';
import { STAGE_IDS } from '../../../preload/contract.ts';
import { useMl } from '../stores/ml.ts';
import { useNotebook } from '../stores/notebook.ts';
import { STAGE_LABEL } from './StageBadge.tsx';

/**
 * The code cells as "index:id" lines. A keystroke changes the document but not this string, so the strip is not
 * redrawn while typing (thousands of steps cost a big notebook's typing a frame per key).
 */
const codeCellKey = (s: ReturnType<typeof useNotebook.getState>) =>
  (s.doc?.cells ?? []).flatMap((c, i) => (c.cell_type === 'code' ? [`${i}:${c.id}`] : [])).join('\n');

export function StageTimeline() {
  const key = useNotebook(codeCellKey);
  const code = useMemo(() => (key ? key.split('\n') : []).map((line) => {
    const at = line.indexOf(':');
    return { i: Number(line.slice(0, at)), id: line.slice(at + 1) };
  }), [key]);
  const stages = useMl((s) => s.stages);
  const error = useMl((s) => s.modelError);
  const counts = Object.fromEntries(STAGE_IDS.map((s) => [s, 0])) as Record<string, number>;
  for (const { id } of code) {
    const st = stages[id]?.stage;
    if (st) counts[st] = (counts[st] ?? 0) + 1;
  }
  return (
    <div className="timeline" data-testid="stage-timeline">
      <h3>Workflow</h3>
      {error && <p className="error-text">{error}</p>}
      <div className="timeline-strip">
        {code.map(({ id, i }) => {
          const st = stages[id]?.stage;
          return <button key={id} className={`tl-step stage-${st ?? 'none'}`} title={`Cell ${i + 1}: ${st ? STAGE_LABEL[st] : 'not classified'}`}
            onClick={() => useNotebook.getState().select(i)} />;
        })}
      </div>
      <ul className="legend">
        {STAGE_IDS.map((s) => <li key={s}><span className={`dot stage-${s}`} />{STAGE_LABEL[s]} <span className="muted">{counts[s]}</span></li>)}
      </ul>
    </div>
  );
}
