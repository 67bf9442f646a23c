// The workspace file browser's operations. Every path argument goes through the Workspace boundary (symlinks
// resolved), nothing is ever written over, and "delete" moves into the app's own trash so that undo restores the
// entry exactly. Errors name paths, never file contents.
import { randomBytes } from 'node:crypto';
import { constants, promises as fs, type Dirent, type Stats } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { FileEntry } from '../../preload/contract.ts';
import { atomicWrite } from './atomic-write.ts';
import { emptyNotebook, serializeNotebook } from './nbformat.ts';
import { WorkspaceError, type Workspace } from './workspace.ts';

/** A folder lists at most this many entries (folders first); the renderer says so when a listing reaches it. */
export const MAX_LIST_ENTRIES = 5000;
/** The contract's limit for a dropped file. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** Free names tried before giving up: `x-copy`, `x-copy-2` … `x-copy-999`, `Untitled` … `Untitled998`. */
const MAX_NAME_TRIES = 1000;
const TRASH_ID = /^[0-9a-z]+-[0-9a-f]{12}$/;

interface TrashRecord {
  version: 1;
  originalPath: string;
  name: string;
  kind: 'dir' | 'file';
  trashedAt: string;
}

export class FileOpError extends Error {}

/** One path component: nothing that could name another folder. */
function plainName(name: string): string {
  if (!name || !name.trim()) throw new FileOpError('a name may not be empty');
  if (name.includes('\0')) throw new FileOpError('a name may not contain NUL characters');
  if (/[/\\]/.test(name)) throw new FileOpError(`"${name}" is not a plain name: it may not contain / or \\`);
  if (name === '.' || name === '..') throw new FileOpError(`"${name}" is not a file name`);
  return name;
}

/** A new name the user gives an entry: a plain name that the browser will also show. */
export function checkName(name: string): string {
  plainName(name);
  if (name.startsWith('.')) throw new FileOpError(`"${name}" starts with a dot and would be hidden; choose another name`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new FileOpError('a name may not contain control characters');
  if (Buffer.byteLength(name) > 255) throw new FileOpError('a name may be at most 255 bytes long');
  return name;
}

/** Node's errno errors say `ENOENT: no such file or directory, rename 'a' -> 'b'`; the user gets a sentence. */
function explain(e: unknown, path: string): Error {
  if (e instanceof WorkspaceError || e instanceof FileOpError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new FileOpError(`${path} does not exist`);
    case 'EACCES':
    case 'EPERM':
      return new FileOpError(`permission denied: ${path}`);
    case 'ENOTDIR':
      return new FileOpError(`${path} is not a folder`);
    case 'EISDIR':
      return new FileOpError(`${path} is a folder`);
    case 'ENOTEMPTY':
    case 'EEXIST':
      return new FileOpError(`${path} already exists`);
    case 'ENOSPC':
      return new FileOpError(`the disk is full: ${path} was not changed`);
    case 'EROFS':
      return new FileOpError(`${path} is on a read-only disk`);
    case 'EINVAL':
      return new FileOpError(`${path} cannot be moved into itself`);
    case 'EBUSY':
      return new FileOpError(`${path} is in use by another program`);
    default:
      return new FileOpError(`${path}: ${code ?? (e as Error).message}`);
  }
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  return fs.lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
}

/** `stem-copy.ext`, `stem-copy-2.ext`, …; `.ipynb` and the like stay at the end so the kind does not change. */
function copyNames(name: string): string[] {
  const ext = extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  return Array.from({ length: MAX_NAME_TRIES }, (_, i) => `${stem}-copy${i === 0 ? '' : `-${i + 1}`}${ext}`);
}

async function syncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r').catch(() => null);
  if (!h) return;
  await h.sync().catch(() => undefined); // not supported on every platform
  await h.close();
}

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP', 'EMLINK']);

/**
 * Moves the file `src` to `dest` unless `dest` exists. A hard link then an unlink cannot clobber (link fails with
 * EEXIST, atomically); folders, and disks without hard links, fall back to a check then a rename.
 */
async function moveNoClobber(src: string, dest: string, isDir: boolean): Promise<void> {
  if (!isDir) {
    try {
      await fs.link(src, dest);
      await fs.unlink(src);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') throw new FileOpError(`${dest} already exists; nothing was overwritten`);
      if (code !== 'EXDEV' && !LINK_UNSUPPORTED.has(code)) throw e;
      if (code === 'EXDEV') return copyThenRemove(src, dest);
    }
  }
  if (await lstatOrNull(dest)) throw new FileOpError(`${dest} already exists; nothing was overwritten`);
  try {
    await fs.rename(src, dest);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await copyThenRemove(src, dest);
  }
}

/** Across disks (the trash lives in the app's data folder): copy everything as it is, links as links, then remove. */
async function copyThenRemove(src: string, dest: string): Promise<void> {
  if (await lstatOrNull(dest)) throw new FileOpError(`${dest} already exists; nothing was overwritten`);
  try {
    await fs.cp(src, dest, { recursive: true, errorOnExist: true, force: false, preserveTimestamps: true, verbatimSymlinks: true });
  } catch (e) {
    // Only a half-made copy of ours is removed, never an entry that appeared there meanwhile.
    if ((e as { code?: string }).code === 'ERR_FS_CP_EEXIST') throw new FileOpError(`${dest} already exists; nothing was overwritten`);
    await fs.rm(dest, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  await fs.rm(src, { recursive: true, force: true });
}

export class WorkspaceFiles {
  private readonly trashDir: string;

  constructor(
    private readonly workspace: Workspace,
    dataDir: string,
  ) {
    this.trashDir = join(dataDir, 'trash');
  }

  /** The workspace folders that exist (the corpus-copies folder appears once a copy was opened). */
  async roots(): Promise<string[]> {
    const out: string[] = [];
    for (const root of this.workspace.roots) {
      const st = await fs.stat(root).catch(() => null);
      if (st?.isDirectory()) out.push(root);
    }
    return out;
  }

  /** Folders first, then by name; dotfiles and links that lead out of the workspace are left out. */
  async list(dir: string): Promise<FileEntry[]> {
    const real = await this.workspace.resolve(dir);
    let dirents: Dirent[];
    try {
      dirents = await fs.readdir(real, { withFileTypes: true });
    } catch (e) {
      throw explain(e, real);
    }
    const visible = dirents.filter((d) => !d.name.startsWith('.'));
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
    // Sorted by what readdir already knows, so that a huge folder is cut before anything is stat'ed.
    visible.sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || collator.compare(a.name, b.name));
    const entries: FileEntry[] = [];
    for (const d of visible) {
      if (entries.length >= MAX_LIST_ENTRIES) break;
      const path = join(real, d.name);
      let st: Stats | null;
      if (d.isSymbolicLink()) {
        // A link is listed only when it leads to somewhere inside the workspace; its own path is what the user sees.
        if (!(await this.workspace.contains(path))) continue;
        st = await fs.stat(path).catch(() => null);
      } else {
        st = await fs.lstat(path).catch(() => null);
      }
      if (!st || !(st.isDirectory() || st.isFile())) continue;
      const kind = st.isDirectory() ? 'dir' : d.name.toLowerCase().endsWith('.ipynb') ? 'notebook' : 'file';
      entries.push({ name: d.name, path, kind, size: st.isFile() ? st.size : 0, mtimeMs: st.mtimeMs });
    }
    // Links to folders were sorted as files above: put them where a folder belongs.
    return entries.sort((a, b) => Number(b.kind === 'dir') - Number(a.kind === 'dir') || collator.compare(a.name, b.name));
  }

  /** `Untitled.ipynb`, else `Untitled1.ipynb`, … with an empty format 4.5 notebook. */
  async newNotebook(dir: string): Promise<{ path: string }> {
    const real = await this.folder(dir);
    const names = Array.from({ length: MAX_NAME_TRIES }, (_, i) => `Untitled${i === 0 ? '' : i}.ipynb`);
    return { path: await this.createNew(real, names, (tmp) => fs.writeFile(tmp, serializeNotebook(emptyNotebook()))) };
  }

  /** Renames or moves `from` to the path `to` (both inside the workspace); never over an existing entry. */
  async rename(from: string, to: string): Promise<{ path: string }> {
    const src = await this.entry(from);
    if (!to.trim()) throw new FileOpError('a name may not be empty');
    if (to.split(/[/\\]/).includes('..')) throw new FileOpError(`"${to}" may not contain ..`);
    const target = isAbsolute(to) ? resolve(to) : resolve(dirname(src), to);
    const dest = join(await this.folder(dirname(target)), checkName(basename(target)));
    if (dest === src) return { path: src };
    const st = await this.lstat(src);
    // A case-only rename on a case-insensitive disk: `dest` "exists" because it is `src` itself.
    const existing = await lstatOrNull(dest);
    try {
      if (existing && existing.ino === st.ino && existing.dev === st.dev) await fs.rename(src, dest);
      else await moveNoClobber(src, dest, st.isDirectory());
    } catch (e) {
      throw explain(e, src);
    }
    return { path: dest };
  }

  /** A copy of the file beside it, named `name-copy.ext` (or `-copy-2` …). Folders are not duplicated. */
  async duplicate(path: string): Promise<{ path: string }> {
    const entryPath = await this.entry(path);
    const real = await this.workspace.resolve(path); // what a link leads to must be inside too: its bytes are copied
    const st = await this.lstat(real);
    if (st.isDirectory()) throw new FileOpError(`${entryPath} is a folder; only files can be duplicated`);
    if (!st.isFile()) throw new FileOpError(`${entryPath} is not a regular file`);
    const dir = dirname(entryPath);
    return { path: await this.createNew(dir, copyNames(basename(entryPath)), (tmp) => fs.copyFile(real, tmp, constants.COPYFILE_EXCL)) };
  }

  /** Moves the entry (a link itself, not what it leads to) into the app's trash; `restore(trashId)` undoes it. */
  async trash(path: string): Promise<{ trashId: string }> {
    const src = await this.entry(path);
    const st = await this.lstat(src);
    const trashId = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
    const slot = join(this.trashDir, trashId);
    const record: TrashRecord = {
      version: 1,
      originalPath: src,
      name: basename(src),
      kind: st.isDirectory() ? 'dir' : 'file',
      trashedAt: new Date().toISOString(),
    };
    await fs.mkdir(slot, { recursive: true, mode: 0o700 });
    try {
      // The record first: an entry in the trash is never without the place it came from.
      await atomicWrite(join(slot, 'record.json'), JSON.stringify(record));
      await moveNoClobber(src, join(slot, 'item'), st.isDirectory());
    } catch (e) {
      await fs.rm(slot, { recursive: true, force: true }).catch(() => undefined);
      throw explain(e, src);
    }
    return { trashId };
  }

  /**
   * Puts a trashed entry back where it was (its folder is made again if it is gone). When something new took its
   * name meanwhile, it comes back beside it as `name-copy…`, and the returned path says so. The original place is
   * checked against today's workspace: a trash kept from another session cannot write outside it.
   */
  async restore(trashId: string): Promise<{ path: string }> {
    if (!TRASH_ID.test(trashId)) throw new FileOpError('not a trash id');
    const slot = join(this.trashDir, trashId);
    let record: TrashRecord;
    try {
      record = JSON.parse(await fs.readFile(join(slot, 'record.json'), 'utf8')) as TrashRecord;
    } catch {
      throw new FileOpError('that entry is no longer in the trash');
    }
    if (typeof record.originalPath !== 'string' || !isAbsolute(record.originalPath)) throw new FileOpError('the trash record is damaged');
    const item = join(slot, 'item');
    const st = await lstatOrNull(item);
    if (!st) throw new FileOpError('that entry is no longer in the trash');
    const parent = await this.workspace.resolve(dirname(record.originalPath));
    // Only structure is checked: whatever name the entry had (a dotfile, say) is the name it gets back.
    const name = plainName(basename(record.originalPath));
    try {
      await fs.mkdir(parent, { recursive: true });
    } catch (e) {
      throw explain(e, parent);
    }
    for (const candidate of [name, ...copyNames(name)]) {
      const dest = join(parent, candidate);
      try {
        await moveNoClobber(item, dest, st.isDirectory());
      } catch (e) {
        if (e instanceof FileOpError && e.message.includes('already exists')) continue;
        throw explain(e, dest);
      }
      await fs.rm(slot, { recursive: true, force: true });
      return { path: dest };
    }
    throw new FileOpError(`${join(parent, name)} and its copy names are all taken; nothing was restored`);
  }

  /** A file dropped on the browser, written under its own name or `name-copy…`; never over an existing file. */
  async upload(dir: string, name: string, base64: string): Promise<{ path: string }> {
    checkName(name);
    const real = await this.folder(dir);
    // Buffer.from skips characters that are not base64; a damaged upload must fail, not write different bytes.
    if (base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new FileOpError(`${name} did not arrive intact (not base64)`);
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length > MAX_UPLOAD_BYTES) throw new FileOpError(`${name} is over the limit of 50 MB for a dropped file`);
    return { path: await this.createNew(real, [name, ...copyNames(name)], (tmp) => fs.writeFile(tmp, bytes)) };
  }

  /** The real path of a folder inside the workspace. */
  private async folder(dir: string): Promise<string> {
    const real = await this.workspace.resolve(dir);
    const st = await fs.stat(real).catch((e: unknown) => {
      throw explain(e, real);
    });
    if (!st.isDirectory()) throw new FileOpError(`${real} is not a folder`);
    return real;
  }

  /**
   * The path of an existing entry, as itself: its folder resolved through links (and checked), its own name not,
   * so that renaming or deleting a link moves the link and not what it leads to. A workspace folder itself is refused.
   */
  private async entry(path: string): Promise<string> {
    if (path.includes('\0')) throw new WorkspaceError('a path may not contain NUL characters');
    const abs = isAbsolute(path) ? resolve(path) : resolve(this.workspace.roots[0] ?? process.cwd(), path);
    const isRoot = (p: string) => this.workspace.roots.includes(p);
    const refuseRoot = () => new FileOpError(`${abs} is a workspace folder; it cannot be renamed, duplicated or deleted here`);
    if (isRoot(abs)) throw refuseRoot();
    const own = join(await this.workspace.resolve(dirname(abs)), basename(abs));
    if (isRoot(own)) throw refuseRoot();
    await this.lstat(own);
    return own;
  }

  private async lstat(path: string): Promise<Stats> {
    try {
      return await fs.lstat(path);
    } catch (e) {
      throw explain(e, path);
    }
  }

  /**
   * Writes a temporary file in `dir`, then links it under the first free name of `names`. The link fails rather than
   * replace an existing file, so two clients making `Untitled.ipynb` at once get two files.
   */
  private async createNew(dir: string, names: string[], write: (tmp: string) => Promise<void>): Promise<string> {
    const tmp = join(dir, `.gds-new-${randomBytes(6).toString('hex')}.tmp`);
    try {
      await write(tmp);
      const h = await fs.open(tmp, 'r+');
      await h.sync().catch(() => undefined);
      await h.close();
      for (const name of names) {
        const dest = join(dir, name);
        try {
          await fs.link(tmp, dest);
          await syncDir(dir);
          return dest;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? '';
          if (code === 'EEXIST') continue;
          if (!LINK_UNSUPPORTED.has(code)) throw e;
          // No hard links on this disk: check, then rename (a narrow race, but never a known overwrite).
          if (await lstatOrNull(dest)) continue;
          await fs.rename(tmp, dest);
          return dest;
        }
      }
      throw new FileOpError(`${join(dir, names[0] ?? '')} and the next ${names.length - 1} names are all taken`);
    } catch (e) {
      throw explain(e, dir);
    } finally {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}
