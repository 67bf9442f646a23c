// The `gds suggest --jsonl` contract, through a real child process: one output line per input line, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { STAGES } from '../../ml/classifier/stages.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('gds suggest --jsonl answers each request in order with {id, stage, suggestions}', () => {
  const requests = [
    { id: 'first', cells: ['import pandas as pd', "df = pd.read_csv('../input/train.csv')\ndf.head()", ''] },
    { id: 'empty', cells: [''] },
    { id: 'third', cells: ['import numpy as np\nimport pandas as pd\ndata = pd.read_csv("d.csv")', 'data.'] },
  ];
  const r = spawnSync(process.execPath, ['bin/gds.mjs', 'suggest', '--jsonl', '--top', '3'], {
    cwd: root, input: requests.map((q) => JSON.stringify(q)).join('\n') + '\n', encoding: 'utf8', timeout: 50_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; stage: string; suggestions: Array<{ text: string; score: number }> });
  assert.deepEqual(lines.map((l) => l.id), ['first', 'empty', 'third']);
  for (const l of lines) {
    assert.deepEqual(Object.keys(l), ['id', 'stage', 'suggestions']);
    assert.ok((STAGES as readonly string[]).includes(l.stage));
    assert.ok(l.suggestions.length > 0 && l.suggestions.length <= 3);
    for (const s of l.suggestions) {
      assert.equal(typeof s.text, 'string');
      assert.ok(s.score > 0 && s.score <= 1);
    }
  }
  assert.ok(lines[0]?.suggestions.every((s) => !s.text.includes('var0')));
});
