// The file browser's operations on real files: listing, new, rename, duplicate, trash and restore, upload; nothing
// is ever overwritten and nothing outside the workspace is touched, whether by path, `..` or a symlink.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_LIST_ENTRIES, WorkspaceFiles } from '../../main/services/workspace-files.ts';
import { Workspace } from '../../main/services/workspace.ts';

let work: string;
let outside: string;
let data: string;
let files: WorkspaceFiles;

beforeEach(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'gds-wf-')));
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'gds-wf-out-')));
  data = realpathSync(mkdtempSync(join(tmpdir(), 'gds-wf-data-')));
  files = new WorkspaceFiles(new Workspace([work]), data);
});

const refused = async (p: Promise<unknown>, re: RegExp = /outside the workspace/) => {
  const err = await p.then(
    () => null,
    (e: Error) => e,
  );
  assert.ok(err, 'the call must be refused');
  assert.match(err.message, re);
  assert.doesNotMatch(err.message, /SECRET/);
};

test('roots are the workspace folders that exist', async () => {
  const gone = join(work, 'gone');
  const ws = new WorkspaceFiles(new Workspace([work, gone]), data);
  assert.deepEqual(await ws.roots(), [work]);
});

test('list: folders first, then by name (numbers in order), dotfiles hidden, kinds and sizes', async () => {
  writeFileSync(join(work, 'b.ipynb'), '{}');
  writeFileSync(join(work, 'a10.csv'), 'x,y\n');
  writeFileSync(join(work, 'a9.csv'), 'x\n');
  writeFileSync(join(work, '.hidden'), '');
  mkdirSync(join(work, 'zdir'));
  mkdirSync(join(work, 'Adir'));
  mkdirSync(join(work, '.git'));
  const list = await files.list(work);
  assert.deepEqual(
    list.map((e) => e.name),
    ['Adir', 'zdir', 'a9.csv', 'a10.csv', 'b.ipynb'],
  );
  assert.deepEqual(
    list.map((e) => e.kind),
    ['dir', 'dir', 'file', 'file', 'notebook'],
  );
  assert.equal(list[3]!.size, 4);
  assert.equal(list[3]!.path, join(work, 'a10.csv'));
  assert.ok(list[3]!.mtimeMs > 0);
});

test('list leaves out links that lead outside, keeps links inside (folder links sort as folders)', async () => {
  writeFileSync(join(outside, 'SECRET.txt'), 'SECRET');
  mkdirSync(join(work, 'real'));
  symlinkSync(outside, join(work, 'link-out'));
  symlinkSync(join(outside, 'SECRET.txt'), join(work, 'file-out.ipynb'));
  symlinkSync(join(work, 'real'), join(work, 'a-link-in'));
  symlinkSync(join(work, 'nowhere'), join(work, 'broken'));
  const list = await files.list(work);
  assert.deepEqual(
    list.map((e) => [e.name, e.kind]),
    [
      ['a-link-in', 'dir'],
      ['real', 'dir'],
    ],
  );
  await refused(files.list(join(work, 'link-out')));
  await refused(files.list(outside));
  await refused(files.list(join(work, '..')));
});

test(`list stops at ${MAX_LIST_ENTRIES} entries, folders first`, async () => {
  mkdirSync(join(work, 'zz-folder'));
  for (let i = 0; i < MAX_LIST_ENTRIES + 20; i++) writeFileSync(join(work, `f${i}.txt`), '');
  const list = await files.list(work);
  assert.equal(list.length, MAX_LIST_ENTRIES);
  assert.equal(list[0]!.name, 'zz-folder');
});

test('new notebook: Untitled.ipynb, then Untitled1.ipynb, an empty format 4.5 notebook', async () => {
  const a = await files.newNotebook(work);
  const b = await files.newNotebook(work);
  assert.equal(a.path, join(work, 'Untitled.ipynb'));
  assert.equal(b.path, join(work, 'Untitled1.ipynb'));
  const nb = JSON.parse(readFileSync(a.path, 'utf8')) as { nbformat: number; nbformat_minor: number; cells: unknown[] };
  assert.equal(nb.nbformat, 4);
  assert.equal(nb.nbformat_minor, 5);
  assert.equal(nb.cells.length, 1);
  assert.deepEqual(readdirSync(work).sort(), ['Untitled.ipynb', 'Untitled1.ipynb'], 'no temporary file is left');
  const many = await Promise.all([1, 2, 3, 4].map(() => files.newNotebook(work)));
  assert.equal(new Set(many.map((m) => m.path)).size, 4, 'concurrent creations get different files');
  await refused(files.newNotebook(outside));
  await refused(files.newNotebook(join(work, 'Untitled.ipynb')), /not a folder/);
});

test('rename: to a name or a path inside; never over an existing file; names are checked', async () => {
  writeFileSync(join(work, 'a.ipynb'), 'A');
  writeFileSync(join(work, 'b.ipynb'), 'B');
  mkdirSync(join(work, 'sub'));
  const r = await files.rename(join(work, 'a.ipynb'), 'c.ipynb');
  assert.equal(r.path, join(work, 'c.ipynb'));
  assert.equal(readFileSync(r.path, 'utf8'), 'A');
  assert.equal(existsSync(join(work, 'a.ipynb')), false);
  await refused(files.rename(join(work, 'c.ipynb'), join(work, 'b.ipynb')), /b\.ipynb already exists/);
  assert.equal(readFileSync(join(work, 'b.ipynb'), 'utf8'), 'B');
  assert.equal(readFileSync(join(work, 'c.ipynb'), 'utf8'), 'A');
  const moved = await files.rename(join(work, 'c.ipynb'), join(work, 'sub', 'c.ipynb'));
  assert.equal(moved.path, join(work, 'sub', 'c.ipynb'));
  // Folders too, and never over another folder.
  mkdirSync(join(work, 'other'));
  await refused(files.rename(join(work, 'sub'), join(work, 'other')), /already exists/);
  assert.equal((await files.rename(join(work, 'sub'), 'sub2')).path, join(work, 'sub2'));
  assert.equal(existsSync(join(work, 'sub2', 'c.ipynb')), true);
  await refused(files.rename(join(work, 'sub2'), join(work, 'sub2', 'inner')), /into itself/);
  await refused(files.rename(join(work, 'b.ipynb'), ''), /empty/);
  await refused(files.rename(join(work, 'b.ipynb'), '.bashrc'), /starts with a dot/);
  await refused(files.rename(join(work, 'missing.ipynb'), 'x.ipynb'), /does not exist/);
});

test('rename refuses targets outside, by path, .. or a symlinked folder, and the workspace folder itself', async () => {
  writeFileSync(join(work, 'a.ipynb'), 'A');
  writeFileSync(join(outside, 'SECRET.ipynb'), 'SECRET');
  symlinkSync(outside, join(work, 'link-out'));
  await refused(files.rename(join(work, 'a.ipynb'), join(outside, 'a.ipynb')));
  await refused(files.rename(join(work, 'a.ipynb'), '../a.ipynb'), /may not contain \.\./);
  await refused(files.rename(join(work, 'a.ipynb'), join(work, 'link-out', 'a.ipynb')));
  await refused(files.rename(join(outside, 'SECRET.ipynb'), join(work, 'stolen.ipynb')));
  await refused(files.rename(join(work, 'link-out', 'SECRET.ipynb'), join(work, 'stolen.ipynb')));
  await refused(files.rename(work, join(work, 'x')), /workspace folder/);
  assert.equal(readFileSync(join(work, 'a.ipynb'), 'utf8'), 'A');
  assert.deepEqual(readdirSync(outside), ['SECRET.ipynb']);
});

test('renaming or deleting a link moves the link, not what it leads to', async () => {
  writeFileSync(join(work, 'target.ipynb'), 'T');
  symlinkSync(join(work, 'target.ipynb'), join(work, 'link.ipynb'));
  await files.rename(join(work, 'link.ipynb'), 'link2.ipynb');
  assert.equal(readFileSync(join(work, 'target.ipynb'), 'utf8'), 'T');
  const { trashId } = await files.trash(join(work, 'link2.ipynb'));
  assert.equal(existsSync(join(work, 'target.ipynb')), true);
  await files.restore(trashId);
  assert.equal(readFileSync(join(work, 'link2.ipynb'), 'utf8'), 'T');
});

test('duplicate: name-copy.ext, then name-copy-2.ext; folders and files outside are refused', async () => {
  writeFileSync(join(work, 'nb.ipynb'), 'NB');
  const a = await files.duplicate(join(work, 'nb.ipynb'));
  const b = await files.duplicate(join(work, 'nb.ipynb'));
  assert.equal(a.path, join(work, 'nb-copy.ipynb'));
  assert.equal(b.path, join(work, 'nb-copy-2.ipynb'));
  assert.equal(readFileSync(b.path, 'utf8'), 'NB');
  mkdirSync(join(work, 'dir'));
  await refused(files.duplicate(join(work, 'dir')), /folder/);
  writeFileSync(join(outside, 'SECRET.ipynb'), 'SECRET');
  symlinkSync(join(outside, 'SECRET.ipynb'), join(work, 'leak.ipynb'));
  await refused(files.duplicate(join(work, 'leak.ipynb')));
  await refused(files.duplicate(join(outside, 'SECRET.ipynb')));
  assert.equal(existsSync(join(work, 'leak-copy.ipynb')), false);
});

test('trash moves into the app trash; restore puts it back exactly', async () => {
  writeFileSync(join(work, 'x.ipynb'), 'X');
  utimesSync(join(work, 'x.ipynb'), 1_000_000, 1_000_000);
  const mtime = statSync(join(work, 'x.ipynb')).mtimeMs;
  const { trashId } = await files.trash(join(work, 'x.ipynb'));
  assert.equal(existsSync(join(work, 'x.ipynb')), false);
  assert.ok(existsSync(join(data, 'trash', trashId, 'record.json')));
  const r = await files.restore(trashId);
  assert.equal(r.path, join(work, 'x.ipynb'));
  assert.equal(readFileSync(r.path, 'utf8'), 'X');
  assert.equal(statSync(r.path).mtimeMs, mtime);
  assert.equal(existsSync(join(data, 'trash', trashId)), false);
  await refused(files.restore(trashId), /no longer in the trash/);
  await refused(files.restore('../../etc'), /not a trash id/);
  // Whatever name it had comes back, even one the browser would not let you type.
  writeFileSync(join(work, '.env'), 'E');
  const dot = await files.trash(join(work, '.env'));
  assert.equal((await files.restore(dot.trashId)).path, join(work, '.env'));
});

test('trash and restore a folder; its parent is made again when gone', async () => {
  mkdirSync(join(work, 'p', 'q'), { recursive: true });
  writeFileSync(join(work, 'p', 'q', 'f.txt'), 'F');
  const { trashId } = await files.trash(join(work, 'p', 'q'));
  const parent = await files.trash(join(work, 'p'));
  assert.equal(existsSync(join(work, 'p')), false);
  assert.equal((await files.restore(trashId)).path, join(work, 'p', 'q'));
  assert.equal(readFileSync(join(work, 'p', 'q', 'f.txt'), 'utf8'), 'F');
  // The emptied `p` came back in the meantime: the trashed one comes back beside it.
  assert.equal((await files.restore(parent.trashId)).path, join(work, 'p-copy'));
});

test('restore never overwrites: a file that took the name stays, the restored one comes back as a copy', async () => {
  writeFileSync(join(work, 'x.ipynb'), 'OLD');
  const { trashId } = await files.trash(join(work, 'x.ipynb'));
  writeFileSync(join(work, 'x.ipynb'), 'NEW');
  const r = await files.restore(trashId);
  assert.equal(r.path, join(work, 'x-copy.ipynb'));
  assert.equal(readFileSync(join(work, 'x.ipynb'), 'utf8'), 'NEW');
  assert.equal(readFileSync(r.path, 'utf8'), 'OLD');
});

test('trash refuses outside, via a symlinked folder, and the workspace folder itself', async () => {
  writeFileSync(join(outside, 'SECRET.txt'), 'SECRET');
  symlinkSync(outside, join(work, 'link-out'));
  await refused(files.trash(join(outside, 'SECRET.txt')));
  await refused(files.trash(join(work, 'link-out', 'SECRET.txt')));
  await refused(files.trash(join(work, '..', outside.split('/').pop()!, 'SECRET.txt')));
  await refused(files.trash(work), /workspace folder/);
  assert.equal(readFileSync(join(outside, 'SECRET.txt'), 'utf8'), 'SECRET');
});

test(
  'trash on another disk (the data folder on tmpfs): copied and removed, restored exactly',
  { skip: !existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync(tmpdir()).dev },
  async () => {
    const shm = mkdtempSync(join('/dev/shm', 'gds-wf-data-'));
    const far = new WorkspaceFiles(new Workspace([work]), shm);
    mkdirSync(join(work, 'd'));
    writeFileSync(join(work, 'd', 'f.ipynb'), 'F');
    symlinkSync('f.ipynb', join(work, 'd', 'l.ipynb'));
    utimesSync(join(work, 'd', 'f.ipynb'), 1_000_000, 1_000_000);
    writeFileSync(join(work, 'g.txt'), 'G');
    const dir = await far.trash(join(work, 'd'));
    const file = await far.trash(join(work, 'g.txt'));
    assert.deepEqual(readdirSync(work), []);
    await far.restore(dir.trashId);
    await far.restore(file.trashId);
    assert.equal(readFileSync(join(work, 'd', 'l.ipynb'), 'utf8'), 'F');
    assert.equal(statSync(join(work, 'd', 'f.ipynb')).mtimeMs, 1_000_000_000);
    assert.equal(readFileSync(join(work, 'g.txt'), 'utf8'), 'G');
    assert.deepEqual(readdirSync(join(shm, 'trash')), []);
  },
);

test('restore checks the original place against the current workspace', async () => {
  writeFileSync(join(outside, 'o.txt'), 'O');
  const other = new WorkspaceFiles(new Workspace([outside]), data);
  const { trashId } = await other.trash(join(outside, 'o.txt'));
  await refused(files.restore(trashId));
  assert.equal(existsSync(join(outside, 'o.txt')), false);
  assert.equal((await other.restore(trashId)).path, join(outside, 'o.txt'));
});

test('upload: writes the bytes, never over an existing file, names and folders checked, 50 MB limit', async () => {
  const b64 = Buffer.from('a,b\n1,2\n').toString('base64');
  const a = await files.upload(work, 'data.csv', b64);
  assert.equal(a.path, join(work, 'data.csv'));
  assert.equal(readFileSync(a.path, 'utf8'), 'a,b\n1,2\n');
  const b = await files.upload(work, 'data.csv', Buffer.from('other').toString('base64'));
  assert.equal(b.path, join(work, 'data-copy.csv'));
  assert.equal(readFileSync(a.path, 'utf8'), 'a,b\n1,2\n');
  await refused(files.upload(work, '../evil.csv', b64), /not a plain name/);
  await refused(files.upload(work, '..', b64), /not a file name/);
  await refused(files.upload(work, 'a\\b.csv', b64), /not a plain name/);
  await refused(files.upload(work, 'a\0b.csv', b64), /NUL/);
  await refused(files.upload(work, '.profile', b64), /starts with a dot/);
  await refused(files.upload(outside, 'x.csv', b64));
  symlinkSync(outside, join(work, 'link-out'));
  await refused(files.upload(join(work, 'link-out'), 'x.csv', b64));
  assert.deepEqual(readdirSync(outside), []);
  await refused(files.upload(work, 'bad.csv', 'not base64!'), /not base64/);
  const big = Buffer.alloc(50 * 1024 * 1024 + 3).toString('base64');
  await refused(files.upload(work, 'big.bin', big), /50 MB/);
  assert.equal(existsSync(join(work, 'big.bin')), false);
  assert.deepEqual(
    readdirSync(work).filter((n) => n.startsWith('.')),
    [],
    'no temporary file is left',
  );
});
