// Opens and saves notebooks: clear errors for bad files, no rewrite of unchanged files, conflict detection, recent list.
import { existsSync, promises as fs, watchFile, unwatchFile, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NotebookDoc, OpenedNotebook } from '../../preload/contract.ts';
import { atomicWrite } from './atomic-write.ts';
import { CrashJournal } from './crash-journal.ts';
import { NotebookFormatError, parseNotebook, serializeNotebook } from './nbformat.ts';

export class NotebookFileError extends Error {
  constructor(message: string, readonly code: 'not-found' | 'not-notebook' | 'conflict' | 'io') {
    super(message);
  }
}

export class NotebookFiles {
  private readonly journal: CrashJournal;
  private readonly recentFile: string;
  private watched: string | null = null;
  /** What this app last wrote to each file: a change on disk with exactly these bytes is our own save, not another program's. */
  private readonly lastWritten = new Map<string, string>();

  constructor(private readonly dataDir: string, private readonly onChangedOnDisk: (path: string, mtimeMs: number) => void) {
    this.journal = new CrashJournal(join(dataDir, 'journal'));
    this.recentFile = join(dataDir, 'recent.json');
  }

  async open(path: string): Promise<OpenedNotebook> {
    const abs = resolve(path);
    let text: string;
    let st: Stats;
    try {
      [text, st] = await Promise.all([fs.readFile(abs, 'utf8'), fs.stat(abs)]);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') throw new NotebookFileError(`${abs} does not exist`, 'not-found');
      if (err.code === 'EISDIR') throw new NotebookFileError(`${abs} is a folder, not a notebook`, 'not-notebook');
      throw new NotebookFileError(`cannot read ${abs}: ${err.message}`, 'io');
    }
    let doc: NotebookDoc;
    try {
      doc = parseNotebook(text);
    } catch (e) {
      if (e instanceof NotebookFormatError) throw new NotebookFileError(`${abs} is not a notebook this app can open: ${e.message}. The file was left untouched.`, 'not-notebook');
      throw e;
    }
    await this.addRecent(abs);
    const rec = await this.journal.read(abs);
    const recovered = rec && rec.savedAtMs > st.mtimeMs && serializeNotebook(rec.doc) !== serializeNotebook(doc) ? { doc: rec.doc, savedAt: new Date(rec.savedAtMs).toISOString() } : null;
    return { path: abs, doc, mtimeMs: st.mtimeMs, recovered };
  }

  /**
   * Saves atomically. Refuses when the file changed on disk since it was read (unless forced), and
   * skips the write when the bytes would be identical, so an unchanged notebook is never rewritten.
   */
  async save(path: string, doc: NotebookDoc, expectedMtimeMs: number | null, force = false): Promise<{ path: string; mtimeMs: number; written: boolean }> {
    const abs = resolve(path);
    const text = serializeNotebook(doc);
    const current = await fs.stat(abs).catch(() => null);
    if (current && !force && expectedMtimeMs !== null && Math.abs(current.mtimeMs - expectedMtimeMs) > 1) {
      throw new NotebookFileError(`${abs} was changed by another program since it was opened`, 'conflict');
    }
    if (current) {
      const old = await fs.readFile(abs, 'utf8').catch(() => null);
      if (old === text) {
        this.lastWritten.set(abs, text);
        await this.journal.clear(abs);
        return { path: abs, mtimeMs: current.mtimeMs, written: false };
      }
      if (old !== null) {
        // An existing file that is not a notebook is never overwritten by accident.
        try {
          parseNotebook(old);
        } catch {
          if (!force) throw new NotebookFileError(`${abs} exists and is not a notebook; it was not overwritten`, 'not-notebook');
        }
      }
    }
    try {
      this.lastWritten.set(abs, text);
      await atomicWrite(abs, text);
    } catch (e) {
      throw new NotebookFileError(`could not save ${abs}: ${(e as Error).message}. Your edits are kept in the app and its crash journal.`, 'io');
    }
    await this.journal.clear(abs);
    await this.addRecent(abs);
    const st = await fs.stat(abs);
    return { path: abs, mtimeMs: st.mtimeMs, written: true };
  }

  journalWrite(key: string, doc: NotebookDoc): Promise<void> {
    return this.journal.write(key.startsWith('untitled:') ? key : resolve(key), doc);
  }

  discardRecovery(key: string): Promise<void> {
    return this.journal.clear(key.startsWith('untitled:') ? key : resolve(key));
  }

  async recent(): Promise<string[]> {
    try {
      const list = JSON.parse(await fs.readFile(this.recentFile, 'utf8')) as unknown;
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string' && existsSync(p)) : [];
    } catch {
      return [];
    }
  }

  private async addRecent(path: string): Promise<void> {
    const list = [path, ...(await this.recent()).filter((p) => p !== path)].slice(0, 20);
    await fs.mkdir(this.dataDir, { recursive: true });
    await atomicWrite(this.recentFile, JSON.stringify(list, null, 1));
  }

  /** Polls the open file (portable, and immune to editors that replace files by rename). */
  watch(path: string | null): void {
    if (this.watched) unwatchFile(this.watched);
    this.watched = path ? resolve(path) : null;
    if (!this.watched) return;
    const target = this.watched;
    watchFile(target, { interval: 1000 }, (cur, prev) => {
      if (cur.mtimeMs === prev.mtimeMs || cur.mtimeMs === 0) return;
      // The poll can report our own autosave after a newer one already landed; only foreign bytes count.
      void fs.readFile(target, 'utf8').then(
        (text) => text !== this.lastWritten.get(target) && this.onChangedOnDisk(target, cur.mtimeMs),
        () => this.onChangedOnDisk(target, cur.mtimeMs),
      );
    });
  }

  dispose(): void {
    this.watch(null);
  }
}
