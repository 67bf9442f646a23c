// Runtime folders (`gds-jupyter-*` in the tmp dir) left by a crash are removed on the next start, and only those
// (issue #21): each folder names its owner pid; a folder whose owner lives, or that names none, is never touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OWNER_FILE, cleanStaleRuntimeDirs, startJupyterServer } from '../../pipeline/jupyter/server-process.ts';

const serverModule = fileURLToPath(new URL('../../pipeline/jupyter/server-process.ts', import.meta.url));

function folder(dir: string, name: string, owner?: number): string {
  const path = join(dir, name);
  mkdirSync(path);
  writeFileSync(join(path, 'kernel-1.json'), '{}');
  if (owner !== undefined) writeFileSync(join(path, OWNER_FILE), `${owner}\n`);
  return path;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test("a folder whose owner is dead is removed; a live owner's, an unowned one and other folders are kept", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-rt-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const live = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => live.kill('SIGKILL'));
  const dead = folder(dir, 'gds-jupyter-dead1', deadPid());
  const alive = folder(dir, 'gds-jupyter-live1', live.pid!);
  const mine = folder(dir, 'gds-jupyter-mine1', process.pid);
  const unowned = folder(dir, 'gds-jupyter-new1');
  const garbage = folder(dir, 'gds-jupyter-bad1');
  writeFileSync(join(garbage, OWNER_FILE), 'not a pid');
  const other = folder(dir, 'other-app-dead', deadPid());
  assert.deepEqual(cleanStaleRuntimeDirs(dir), [dead]);
  assert.ok(!existsSync(dead));
  for (const kept of [alive, mine, unowned, garbage, other]) assert.ok(existsSync(kept), `${kept} is kept`);
});

test('SIGKILL of the app leaves its runtime folder; the next start removes it and names itself the owner of its own', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-rt-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, TMPDIR: dir };
  // A real app process starts its server, then dies by SIGKILL without cleaning up.
  const app = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { startJupyterServer } from ${JSON.stringify(serverModule)}; await startJupyterServer(); process.stdout.write('ready\\n'); ` +
        `setInterval(() => {}, 1000);`,
    ],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    app.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    app.once('exit', (code) => reject(new Error(`the app exited with ${code} before its server was ready`)));
  });
  const [left] = readdirSync(dir).filter((n) => n.startsWith('gds-jupyter-'));
  assert.ok(left, 'the app made its runtime folder');
  assert.equal(readFileSync(join(dir, left, OWNER_FILE), 'utf8').trim(), String(app.pid), 'the folder names its owner');
  app.kill('SIGKILL');
  await new Promise((r) => app.once('exit', r));
  assert.ok(existsSync(join(dir, left)), 'a SIGKILL leaves the folder behind');

  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  let server: Awaited<ReturnType<typeof startJupyterServer>> | undefined;
  try {
    server = await startJupyterServer();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
  t.after(() => server?.dispose());
  assert.ok(!existsSync(join(dir, left)), "the next start removed the dead app's folder");
  const now = readdirSync(dir).filter((n) => n.startsWith('gds-jupyter-'));
  assert.equal(now.length, 1);
  assert.equal(readFileSync(join(dir, now[0]!, OWNER_FILE), 'utf8').trim(), String(process.pid));
  await server.dispose();
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.startsWith('gds-jupyter-')),
    [],
    'a clean stop removes its own folder',
  );
});
