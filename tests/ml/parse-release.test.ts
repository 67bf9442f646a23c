// tree-sitter's trees are freed by N-API finalizers, which run only when the event loop turns: a corpus pass that
// parses in one synchronous loop holds every tree (~100 KB each) until it ends. releaseParsedTrees lets them go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePython, releaseParsedTrees } from '../../ml/python-parser.ts';

const cell = Array.from({ length: 30 }, (_, i) => `df${i} = pd.read_csv("part${i}.csv").groupby("a").mean()  # step ${i}`).join('\n');

test('a loop that awaits releaseParsedTrees every 200 parses keeps its memory flat', async () => {
  await releaseParsedTrees();
  const before = process.memoryUsage().rss;
  for (let i = 1; i <= 4000; i++) {
    assert.equal(parsePython(cell).rootNode.hasError, false);
    if (i % 200 === 0) await releaseParsedTrees();
  }
  await releaseParsedTrees();
  const grownMb = (process.memoryUsage().rss - before) / 1e6;
  // Held until the end, the 4,000 trees take ~400 MB here.
  assert.ok(grownMb < 120, `resident memory grew ${grownMb.toFixed(0)} MB over 4,000 parses`);
});
