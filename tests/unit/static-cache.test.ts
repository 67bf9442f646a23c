// What the web host lets the browser cache: never index.html, the hashed build assets for good, the rest for an hour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cacheControl } from '../../main/web/static-files.ts';

test('hashed assets are immutable, index.html is never stored, other files expire', () => {
  const root = '/srv/renderer';
  assert.equal(cacheControl(root, join(root, 'index.html')), 'no-store');
  assert.equal(cacheControl(root, join(root, 'assets', 'CellEditor-BF1ql_Jd.js')), 'private, max-age=31536000, immutable');
  assert.equal(cacheControl(root, join(root, 'assets', 'KaTeX_Main-Bold-Cx986IdX.woff2')), 'private, max-age=31536000, immutable');
  assert.equal(cacheControl(root, join(root, 'assets', 'notes.js')), 'private, max-age=3600', 'no hash in the name');
  assert.equal(cacheControl(root, join(root, 'favicon.svg')), 'private, max-age=3600');
  assert.equal(cacheControl(root, join(root, 'sub', 'index.html')), 'private, max-age=3600');
});
