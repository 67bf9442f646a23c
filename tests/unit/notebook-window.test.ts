import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cell } from '../../preload/contract.ts';
import { CellHeights, CellOffsets, covers, estimateHeight, overlaps, rangeFor, slotsFor } from '../../renderer/src/components/notebook-window.ts';

const code = (i: number): Cell => ({ cell_type: 'code', id: `c${i}`, metadata: {}, source: 'x = 1', outputs: [], execution_count: null });

test('a big notebook mounts the cells that meet the band, with one spacer for each run left out', () => {
  const cells = Array.from({ length: 500 }, (_, i) => code(i));
  const heights = new CellHeights();
  for (const c of cells) heights.set(c, 100);
  const offsets = new CellOffsets(heights).of(cells);
  assert.equal(offsets[500], 50_000);
  const range = rangeFor(offsets, 1_050, 1_950);
  assert.deepEqual(range, { first: 10, last: 19 });
  const slots = slotsFor(offsets, range, [400]);
  assert.deepEqual(slots[0], { kind: 'gap', height: 1_000, key: 'gap-0' });
  assert.deepEqual(slots.filter((s) => s.kind === 'cell').map((s) => (s.kind === 'cell' ? s.index : -1)), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 400]);
  const gaps = slots.filter((s) => s.kind === 'gap').map((s) => (s.kind === 'gap' ? s.height : 0));
  assert.deepEqual(gaps, [1_000, 38_000, 9_900]);
  assert.equal(gaps.reduce((a, b) => a + b, 0) + 11 * 100, 50_000);
});

test('a scroll step is told from a jump by whether the cells needed meet those mounted', () => {
  const mounted = { first: 10, last: 40 };
  assert.ok(covers(mounted, { first: 12, last: 30 }));
  assert.ok(!covers(mounted, { first: 30, last: 45 }));
  assert.ok(overlaps(mounted, { first: 30, last: 45 }), 'scrolling on past the edge');
  assert.ok(overlaps(mounted, { first: 0, last: 10 }), 'scrolling back past the top edge');
  assert.ok(!overlaps(mounted, { first: 41, last: 60 }), 'a jump just beyond');
  assert.ok(!overlaps(mounted, { first: 1_900, last: 1_930 }), 'a jump to the end');
});

test('an output taller than its 600 px box is estimated at the box, however long it is', () => {
  const printing = (lines: number): Cell => ({
    ...code(0), outputs: [{ output_type: 'stream', name: 'stdout', text: Array.from({ length: lines }, (_, i) => `${i}\n`).join('') }],
  });
  const oneLine = estimateHeight(printing(1));
  assert.equal(estimateHeight(printing(3)) - oneLine, 2 * 17, 'lines of 17 px');
  assert.equal(estimateHeight(printing(35)) - oneLine, 34 * 17);
  assert.equal(estimateHeight(printing(36)) - oneLine, 600 - 17, 'the 600 px box');
  assert.equal(estimateHeight(printing(100_000)), estimateHeight(printing(36)));
});
