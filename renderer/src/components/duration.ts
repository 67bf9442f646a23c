// How long a cell ran, short enough for the prompt column: "85 ms", "1.2 s", "2 min 05 s", "1 h 02 min".

/** `live`: a counter that ticks while the cell runs, so it stays in seconds (milliseconds would flicker). */
export function formatDuration(ms: number, live = false): string {
  const t = Math.max(0, ms);
  if (t < 1000 && !live) return `${Math.round(t)} ms`;
  if (t < 60_000) return `${(Math.floor(t / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(t / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
