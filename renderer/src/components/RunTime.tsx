// Beside a code cell's prompt: a live counter while it runs, how long it took once it is done.
import { useEffect, useState } from 'react';
import type { CellRuntime } from '../stores/notebook.ts';
import { formatDuration } from './duration.ts';

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(id);
  }, [since]);
  return (
    <span className="duration running" data-testid="cell-elapsed" title="Running for">
      {formatDuration(now - since, true)}
    </span>
  );
}

export function RunTime({ rt }: { rt: CellRuntime | undefined }) {
  if (rt?.state === 'running' && rt.startedAt !== undefined) return <Elapsed since={rt.startedAt} />;
  if (rt?.state === 'idle' && rt.durationMs !== undefined) {
    return (
      <span className="duration" data-testid="cell-duration" title={`Ran in ${(rt.durationMs / 1000).toFixed(3)} s`}>
        {formatDuration(rt.durationMs)}
      </span>
    );
  }
  return null;
}
