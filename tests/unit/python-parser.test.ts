import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePython, stripIpythonSyntax } from '../../ml/python-parser.ts';

test('parses a cell with magics into a tree without errors', () => {
  const tree = parsePython('%matplotlib inline\nimport pandas as pd\n!pip install x\ndf = pd.read_csv("a.csv")');
  assert.equal(tree.rootNode.hasError, false);
  assert.equal(tree.rootNode.namedChildren.length, 2);
});

test('keeps line numbers when blanking IPython syntax', () => {
  assert.equal(stripIpythonSyntax('%time\nx = 1').split('\n').length, 2);
});

test('parses very long cells', () => {
  const src = Array.from({ length: 4000 }, (_, i) => `x${i} = ${i}`).join('\n');
  assert.equal(parsePython(src).rootNode.namedChildren.length, 4000);
});
