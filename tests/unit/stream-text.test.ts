import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ansiToHtml, applyControlChars } from '../../renderer/src/outputs/stream-text.ts';

test('carriage return progress bars keep the last state', () => {
  assert.equal(applyControlChars('10%\r50%\r100%\ndone'), '100%\ndone');
  assert.equal(applyControlChars('a\nprogress 1\rprogress 2\r'), 'a\nprogress 2');
  assert.equal(applyControlChars('plain\ntext'), 'plain\ntext');
  assert.equal(applyControlChars('x\r\n'), 'x\n');
});

test('backspace erases the previous character', () => {
  assert.equal(applyControlChars('abc\x08\x08d'), 'ad');
  assert.equal(applyControlChars('\x08\x08hi'), 'hi');
  assert.equal(applyControlChars('word\\bnot'), 'word\\bnot');
});

test('ansiToHtml escapes HTML and keeps colours', () => {
  const html = ansiToHtml('<script>alert(1)</script> & "q"');
  assert.ok(!html.includes('<script>'));
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp;/);
  const red = ansiToHtml('\x1b[31mred\x1b[0m ok');
  assert.match(red, /<span class="ansi-red-fg">red<\/span> ok/);
  assert.equal(ansiToHtml('1%\r99%'), '99%');
});
