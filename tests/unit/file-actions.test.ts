// The UI's open/save (renderer/src/actions/files.ts) against a fake host: a read-only file is never sent to be saved
// over, a format 2/3 file only after the user agrees to convert it, and Save as gives the edits a writable home.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GdsApi, NotebookDoc, OpenedNotebook } from '../../preload/contract.ts';

const doc = (): NotebookDoc => ({
  cells: [{ id: 'c1', cell_type: 'code', source: 'x = 1', metadata: {}, outputs: [], execution_count: null }],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
});

let opened: OpenedNotebook;
const saves: Array<Record<string, unknown>> = [];
let backupPath: string | undefined;
const fake = {
  notebook: {
    open: async () => structuredClone(opened),
    save: async (p: Record<string, unknown>) => (
      saves.push(p),
      { path: p.path as string, mtimeMs: 2, written: true, ...(backupPath ? { backupPath } : {}) }
    ),
    watch: async () => ({ ok: true }),
    create: async () => doc(),
  },
} as unknown as GdsApi;
Object.assign(globalThis, { window: { gds: fake }, document: { title: '' } });
// Toasts dismiss themselves after 10 s; those timers must not keep the test process alive.
const setTimer = globalThis.setTimeout;
globalThis.setTimeout = ((fn: () => void, ms?: number) => setTimer(fn, ms).unref()) as unknown as typeof setTimeout;

const { openNotebook, save, newNotebook } = await import('../../renderer/src/actions/files.ts');
const { useNotebook } = await import('../../renderer/src/stores/notebook.ts');
const { useUi } = await import('../../renderer/src/stores/ui.ts');

const errors = () =>
  useUi
    .getState()
    .toasts.filter((t) => t.kind === 'error')
    .map((t) => t.text);
function reset(): void {
  saves.length = 0;
  backupPath = undefined;
  useUi.setState({ toasts: [], dialog: null });
}

test('a read-only file: told why on open, never sent to be saved over, Save as makes a writable copy', async () => {
  reset();
  const reason =
    '/w/bad.ipynb is not a valid notebook: cell 1 has no "source". It was opened read-only and nothing will be written to it; use Save as… to ' +
    'keep your edits in a new file.';
  opened = { path: '/w/bad.ipynb', doc: doc(), mtimeMs: 1, recovered: null, readOnly: reason, conversion: null };
  assert.equal(await openNotebook('/w/bad.ipynb'), true);
  assert.equal(useNotebook.getState().readOnly, reason);
  assert.deepEqual(useUi.getState().dialog, { kind: 'readOnly', reason });
  assert.match(document.title, /read-only/);
  useUi.setState({ dialog: null });
  useNotebook.getState().setSource('c1', 'x = 2');
  await save();
  await save(); // autosave asks again: one message is enough
  assert.equal(saves.length, 0, 'nothing was sent to be written');
  assert.deepEqual(errors(), [`Not saved. ${reason}`]);
  await save({ path: '/w/bad.ipynb' });
  assert.equal(saves.length, 0, 'Save as onto the same file is refused too');
  await save({ path: '/w/copy.ipynb' });
  assert.equal(saves.length, 1);
  assert.equal(saves[0]!.path, '/w/copy.ipynb');
  assert.equal(saves[0]!.convert, undefined);
  assert.equal(useNotebook.getState().path, '/w/copy.ipynb');
  assert.equal(useNotebook.getState().readOnly, null, 'the copy is writable');
  await save();
  assert.equal(saves.length, 2);
});

test('a format 3 file: saving asks first; declining keeps it read-only; agreeing sends convert and reports the backup', async () => {
  reset();
  const conversion = { from: '3.0', backupPath: '/w/old.ipynb.v3.bak' };
  opened = { path: '/w/old.ipynb', doc: doc(), mtimeMs: 1, recovered: null, readOnly: null, conversion };
  await openNotebook('/w/old.ipynb');
  assert.match(
    useUi
      .getState()
      .toasts.map((t) => t.text)
      .join(),
    /format 3\.0.*\/w\/old\.ipynb\.v3\.bak/,
  );
  useNotebook.getState().setSource('c1', 'x = 3');
  await save();
  assert.equal(saves.length, 0);
  assert.deepEqual(useUi.getState().dialog, { kind: 'convert', ...conversion });
  // "Keep it read-only" (Dialogs.tsx) sets the read-only reason: later saves are refused with it.
  useUi.setState({ dialog: null });
  useNotebook.getState().setFileState({ readOnly: 'old.ipynb stays in notebook format 3.0' });
  await save();
  assert.equal(saves.length, 0);
  assert.match(errors().join(), /stays in notebook format 3\.0/);
  // Read again from disk (its tab is open: a plain open would only bring it to front) and converted this time.
  reset();
  await openNotebook('/w/old.ipynb', { reload: true });
  useNotebook.getState().setSource('c1', 'x = 4');
  backupPath = conversion.backupPath;
  await save({ convert: true });
  assert.equal(saves.length, 1);
  assert.equal(saves[0]!.convert, true);
  assert.equal(useNotebook.getState().conversion, null);
  assert.equal(useNotebook.getState().dirty, false);
  assert.match(
    useUi
      .getState()
      .toasts.map((t) => t.text)
      .join(),
    /original is kept at \/w\/old\.ipynb\.v3\.bak/,
  );
});

test('another notebook starts writable', async () => {
  reset();
  opened = { path: '/w/bad.ipynb', doc: doc(), mtimeMs: 1, recovered: null, readOnly: 'bad', conversion: null };
  await openNotebook('/w/bad.ipynb');
  await newNotebook();
  assert.equal(useNotebook.getState().readOnly, null);
  assert.equal(useNotebook.getState().conversion, null);
});
