// Preprocessing must match the report (comments out, lower case, punctuation to spaces, 8,000 tokens, length 120).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OOV_ID, SEQ_LEN, buildVocabulary, encode, realLength, stripComments, tokenize } from '../../ml/classifier/preprocess.ts';

test('comments are removed but # inside strings stays', () => {
  assert.equal(stripComments("x = 1  # set x\ny = '#not a comment'"), "x = 1  \ny = '#not a comment'");
  assert.equal(stripComments('s = """a # b"""  # c'), 's = """a # b"""  ');
});

test('tokens are lower-cased with dots and special characters as separators', () => {
  assert.deepEqual(tokenize("df = pd.read_CSV('../input/train.csv') # load"), ['df', 'pd', 'read_csv', 'input', 'train', 'csv']);
  assert.deepEqual(tokenize('model.fit(X_train, y_train)'), ['model', 'fit', 'x_train', 'y_train']);
});

test('vocabulary keeps the most frequent tokens with deterministic ids', () => {
  const v = buildVocabulary([['b', 'a', 'a'], ['c', 'b', 'a']], 2);
  assert.deepEqual(v.tokens, ['a', 'b']);
  assert.equal(v.index.get('a'), 2);
  const ids = encode('a b c', v);
  assert.equal(ids.length, SEQ_LEN);
  assert.deepEqual([...ids.slice(0, 4)], [2, 3, OOV_ID, 0]);
  assert.equal(realLength(ids), 3);
});

test('long cells are truncated to 120 tokens, keeping the start', () => {
  const v = buildVocabulary([['x']]);
  const ids = encode(Array.from({ length: 300 }, () => 'x').join(' ') + ' y', v);
  assert.equal(ids.length, 120);
  assert.ok(ids.every((id) => id === 2));
});
