// Where a scroll frame of a 2,000-cell notebook goes: the bench's scroll (600 px per frame through the whole
// notebook), recorded as a Chromium trace, and the renderer main thread's time per frame split by kind of work.
// node --import tsx scripts/experiments/scroll-trace.ts [scrolls=2]
// GDS_RENDERER_DIR=<a renderer build> measures that build.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../../tests/helpers/browser.ts';
import { serve } from '../../tests/helpers/serve.ts';
import { bigNotebookCells } from '../big-notebook.ts';

const scrolls = Number(process.argv[2] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'gds-scroll-'));
const file = join(dir, 'big.ipynb');
const nbCells = bigNotebookCells(2000);
writeFileSync(file, JSON.stringify({ cells: nbCells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tid: number; pid: number; args?: { name?: string } }

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

// Work kinds by trace event name; a task's time goes to the innermost named kind (self time).
const KINDS: Record<string, string> = {
  UpdateLayoutTree: 'style', Layout: 'layout', PrePaint: 'paint', Paint: 'paint', Layerize: 'paint',
  UpdateLayer: 'paint', CompositeLayers: 'paint', Commit: 'paint', FunctionCall: 'script', EventDispatch: 'script',
  TimerFire: 'script', FireAnimationFrame: 'script', 'v8.execute': 'script', ParseHTML: 'parse', RunMicrotasks: 'script',
  'IntersectionObserverController::computeIntersections': 'intersection', 'ResizeObserver::BroadcastObservations': 'resize-observer',
};

const browser = await launchBrowser();
const app = await serve({ file });
try {
  for (let r = 0; r < scrolls; r++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(app.url);
    await page.locator('[data-cell-index="1"] .monaco-editor .view-lines').waitFor({ timeout: 120_000 });
    await page.waitForTimeout(1500);
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink'] });
    const intervals = (await page.evaluate(`(async () => {
      const el = document.querySelector('.content');
      const times = [];
      let last = performance.now();
      for (let y = 0; y < el.scrollHeight; y += 600) {
        el.scrollTo(0, y);
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times;
    })()`)) as number[];
    const raw = (await browser.stopTracing()).toString('utf8');
    if (process.env.TRACE_OUT) writeFileSync(`${process.env.TRACE_OUT}-${r + 1}.json`, raw);
    const trace = JSON.parse(raw) as { traceEvents: TraceEvent[] };
    const events = trace.traceEvents;
    const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
    const frames = onMain.filter((e) => e.name === 'FireAnimationFrame').map((e) => e.ts);
    // Top-level tasks only (RunTask events nest: the task controller's, then the scheduler's).
    const tasks: TraceEvent[] = [];
    for (const t of onMain.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask')) {
      const last = tasks[tasks.length - 1];
      if (!last || t.ts >= last.ts + (last.dur ?? 0)) tasks.push(t);
    }
    // Busy time of the main thread between one frame callback and the next.
    const busy: number[] = [];
    for (let i = 0; i + 1 < frames.length; i++) {
      const [a, b] = [frames[i]!, frames[i + 1]!];
      busy.push(tasks.filter((t) => t.ts >= a && t.ts < b).reduce((s, t) => s + (t.dur ?? 0), 0) / 1000);
    }
    // Self time by kind over the whole scroll.
    const kinds = new Map<string, number>();
    const byName = new Map<string, number>();
    const stack: Array<{ end: number; kind: string }> = [];
    const addSelf = (kind: string, ms: number) => kinds.set(kind, (kinds.get(kind) ?? 0) + ms);
    const close = (upTo: number) => {
      while (stack.length && stack[stack.length - 1]!.end <= upTo) stack.pop();
    };
    for (const e of onMain) {
      if (frames.length < 2 || e.ts < frames[0]! || e.ts >= frames[frames.length - 1]!) continue;
      close(e.ts);
      const dur = (e.dur ?? 0) / 1000;
      const kind = KINDS[e.name] ?? (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask' ? 'other' : null);
      if (kind === null) continue;
      if (kind !== 'other') byName.set(e.name, (byName.get(e.name) ?? 0) + dur);
      const parent = stack[stack.length - 1];
      if (parent) addSelf(parent.kind, -dur);
      addSelf(kind, dur);
      stack.push({ end: e.ts + (e.dur ?? 0), kind });
    }
    const total = [...kinds.values()].reduce((s, v) => s + v, 0);
    console.log(`scroll ${r + 1}: ${intervals.length} frames, interval p50 ${pct(intervals, 50).toFixed(1)} / p95 ${pct(intervals, 95).toFixed(1)} ms; ` +
      `main-thread busy per frame p50 ${pct(busy, 50).toFixed(1)} / p95 ${pct(busy, 95).toFixed(1)} / max ${Math.max(...busy).toFixed(1)} ms`);
    console.log(`  main thread ${total.toFixed(0)} ms in all: ` + [...kinds].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
    console.log('  inclusive by event: ' + [...byName].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
    await page.close();
  }
} finally {
  await browser.close();
  await app.stop();
}
