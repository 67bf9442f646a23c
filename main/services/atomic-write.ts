// Writes files so that a crash or a full disk never leaves a half-written file in place.
import { randomBytes } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes every chunk, going on after a short write (libuv writes them all on a regular file; this is the check). */
async function writeAll(handle: fs.FileHandle, parts: Buffer[]): Promise<void> {
  let rest = parts;
  let position = 0;
  while (rest.length) {
    const total = rest.reduce((n, b) => n + b.length, 0);
    const { bytesWritten } = await handle.writev(rest, position);
    if (bytesWritten >= total) return;
    if (bytesWritten <= 0) throw new Error('the disk accepted no more bytes');
    position += bytesWritten;
    rest = [Buffer.concat(rest).subarray(bytesWritten)];
  }
}

/**
 * temp file in the same folder → fsync → rename over the target → fsync the folder. `durable: false` skips the
 * fsyncs: still whole-or-nothing if the app dies, but not across a power cut; for the crash journal, whose
 * fsync would otherwise wait behind the disk flushing a big autosave.
 */
export async function atomicWrite(
  path: string, data: string | Buffer | readonly Buffer[], opts: { durable?: boolean; beforeRename?: (written: Stats) => Promise<void> } = {},
): Promise<void> {
  const durable = opts.durable ?? true;
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    // Chunks go out as they are (writev), never copied into one buffer first.
    if (Array.isArray(data)) await writeAll(handle, data as Buffer[]);
    else await handle.writeFile(data as string | Buffer);
    if (durable) await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOSPC') throw new Error(`the disk is full: ${path} was not changed`);
    throw e;
  }
  await handle.close();
  try {
    const st = await fs.stat(path).catch(() => null);
    if (st) await fs.chmod(tmp, st.mode & 0o777);
    // A rename keeps the mtime and size: what the hook sees is what the target will have.
    if (opts.beforeRename) await opts.beforeRename(await fs.stat(tmp));
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  if (!durable) return;
  const dir = await fs.open(dirname(path), 'r').catch(() => null);
  if (dir) {
    await dir.sync().catch(() => undefined); // not supported on every platform
    await dir.close();
  }
}
