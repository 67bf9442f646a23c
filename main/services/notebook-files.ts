// Opens and saves notebooks: clear errors for bad files, no rewrite of unchanged files, conflict detection, recent list.
import { constants as fsc, existsSync, promises as fs, watchFile, unwatchFile, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NotebookDoc, OpenedNotebook } from '../../preload/contract.ts';
import { atomicWrite } from './atomic-write.ts';
import { byteLength, sameBytes, toText, type ByteParts } from './byte-parts.ts';
import { CrashJournal, type JournalPart } from './crash-journal.ts';
import { SaveReceipts } from './save-receipts.ts';
import {
  decodeNotebookBytes,
  docsEqual,
  NotebookFormatError,
  readNotebook,
  rememberFileBytes,
  rememberWritten,
  serializeForSave,
  type NotebookRead,
} from './nbformat.ts';

export class NotebookFileError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'not-notebook' | 'conflict' | 'io' | 'read-only' | 'needs-conversion' | 'stale-outputs',
  ) {
    super(message);
  }
}

/**
 * A notebook file as read or written: its bytes, its text (decoded on demand: a file this app wrote is never decoded
 * again), the parsed notebook and why it may not be written over (problems), if any.
 */
interface FileRead {
  bytes: ByteParts;
  text: () => string;
  read: NotebookRead;
  problems: string[];
}

/** Reads notebook bytes; throws NotebookFormatError for what is not a notebook. Messages never quote the file. */
function readNotebookBytes(bytes: Buffer): FileRead {
  const { text, invalidUtf8At } = decodeNotebookBytes(bytes);
  const badUtf8 = invalidUtf8At === null ? [] : [`it is not valid UTF-8 text (the first invalid byte is at offset ${invalidUtf8At})`];
  try {
    const read = readNotebook(text);
    if (!badUtf8.length) rememberFileBytes(read, bytes, text);
    return { bytes: [bytes], text: () => text, read, problems: [...badUtf8, ...read.problems] };
  } catch (e) {
    if (e instanceof NotebookFormatError && badUtf8.length)
      throw new NotebookFormatError(`${badUtf8[0]}, and ${e.message.replace(/^the file /, 'it ')}`);
    throw e;
  }
}

const summary = (problems: string[]) =>
  `${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}`;

/** Where the original of a format 2/3 notebook is kept when it is converted: `NAME.ipynb.v3.bak`, numbered if taken. */
async function backupPath(abs: string, major: number, sameAs?: Buffer): Promise<{ path: string; exists: boolean }> {
  for (let n = 0; ; n++) {
    const path = `${abs}.v${major}${n ? `.${n}` : ''}.bak`;
    const have = await fs.readFile(path).catch(() => null);
    if (!have) return { path, exists: false };
    if (sameAs && have.equals(sameAs)) return { path, exists: true };
  }
}

/** The document with the outputs the file holds for the cells the editor sent without theirs (unchanged since read). */
function withFileOutputs(sent: NotebookDoc, onDisk: NotebookDoc | null, keep: string[], abs: string): NotebookDoc {
  const byId = new Map((onDisk?.cells ?? []).map((c) => [c.id, c] as const));
  const wanted = new Set(keep);
  const cells = sent.cells.map((c) => {
    if (!wanted.has(c.id)) return c;
    const old = byId.get(c.id);
    // The file no longer has them (changed on disk, or another save won): the editor must send them itself.
    if (old?.cell_type !== 'code' || c.cell_type !== 'code')
      throw new NotebookFileError(`${abs} no longer holds the outputs of cell ${c.id}; send them`, 'stale-outputs');
    return { ...c, outputs: old.outputs ?? [] };
  });
  return { ...sent, cells };
}

/** Whitespace only (an empty file holds nothing to lose), checked without decoding a big file. */
function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09);
}

export class NotebookFiles {
  /** The last read of each open file, keyed by path, valid while its mtime and size are unchanged. */
  private readonly known = new Map<string, { mtimeMs: number; size: number; file: FileRead }>();
  private readonly journal: CrashJournal;
  private readonly receipts: SaveReceipts;
  private readonly recentFile: string;
  private recentWrites: Promise<void> = Promise.resolve();
  private watched: string | null = null;
  /** What this app last wrote to each file: a change on disk with exactly these bytes is our own save, not another program's. */
  private readonly lastWritten = new Map<string, ByteParts>();

  constructor(
    private readonly dataDir: string,
    private readonly onChangedOnDisk: (path: string, mtimeMs: number) => void,
  ) {
    this.journal = new CrashJournal(join(dataDir, 'journal'));
    this.receipts = new SaveReceipts(join(dataDir, 'save-receipts'));
    this.recentFile = join(dataDir, 'recent.json');
  }

  async open(path: string): Promise<OpenedNotebook> {
    const abs = resolve(path);
    let bytes: Buffer;
    let st: Stats;
    try {
      [bytes, st] = await Promise.all([fs.readFile(abs), fs.stat(abs)]);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') throw new NotebookFileError(`${abs} does not exist`, 'not-found');
      if (err.code === 'EISDIR') throw new NotebookFileError(`${abs} is a folder, not a notebook`, 'not-notebook');
      throw new NotebookFileError(`cannot read ${abs}: ${err.message}`, 'io');
    }
    let file: FileRead;
    try {
      file = readNotebookBytes(bytes);
    } catch (e) {
      if (e instanceof NotebookFormatError)
        throw new NotebookFileError(`${abs} is not a notebook this app can open: ${e.message}. The file was left untouched.`, 'not-notebook');
      throw e;
    }
    this.remember(abs, st, file);
    const { doc, convertedFrom, version } = file.read;
    const readOnly = file.problems.length
      ? `${abs} is not a valid notebook: ${summary(file.problems)}. It was opened read-only and nothing will be written to it; use Save as… to keep ` +
        `your edits in a new file.`
      : null;
    const conversion =
      convertedFrom !== null ? { from: `${version.major}.${version.minor}`, backupPath: (await backupPath(abs, convertedFrom, bytes)).path } : null;
    this.addRecent(abs);
    const rec = await this.journal.read(abs);
    const recovered =
      rec && rec.savedAtMs > st.mtimeMs && !docsEqual(rec.doc, doc) ? { doc: rec.doc, savedAt: new Date(rec.savedAtMs).toISOString() } : null;
    return { path: abs, doc, mtimeMs: st.mtimeMs, recovered, readOnly, conversion };
  }

  /**
   * Saves atomically. Refuses when the file changed on disk since it was read (unless forced). Never rewrites a
   * notebook the document was read from unchanged, and writes what the user did not change back as the file had it.
   * Never overwrites a file that is not a notebook (not even when forced), nor an invalid notebook unless forced.
   * A format 2/3 file is converted only with `convert` (the user's consent), after its bytes are copied to a backup.
   */
  async save(
    path: string,
    sent: NotebookDoc,
    expectedMtimeMs: number | null,
    force = false,
    opts: { convert?: boolean; keepOutputs?: string[]; saveId?: string; unconfirmed?: string[] } = {},
  ): Promise<{ path: string; mtimeMs: number; written: boolean; backupPath?: string }> {
    const abs = resolve(path);
    const current = await fs.stat(abs).catch(() => null);
    const moved = current && expectedMtimeMs !== null && Math.abs(current.mtimeMs - expectedMtimeMs) > 1;
    if (moved && !force && !(await this.receipts.wroteIt(abs, current, opts.unconfirmed ?? []))) {
      throw new NotebookFileError(`${abs} was changed by another program since it was opened`, 'conflict');
    }
    // The file as this app last read or wrote it, when it is still exactly that file: no second read of 50 MB.
    const cached = current?.isFile() ? this.known.get(abs) : undefined;
    const reuse = cached && current && cached.mtimeMs === current.mtimeMs && cached.size === current.size && !cached.file.read.convertedFrom;
    const bytes = reuse ? null : current?.isFile() ? await fs.readFile(abs).catch(() => null) : null;
    let old: FileRead | null = reuse ? cached.file : null;
    // An empty file holds nothing to lose; anything else must be a notebook to be written over.
    if (bytes && !isBlank(bytes)) {
      try {
        old = readNotebookBytes(bytes);
      } catch {
        throw new NotebookFileError(`${abs} exists and is not a notebook; it was not overwritten`, 'not-notebook');
      }
    }
    if (old?.problems.some((p) => p.startsWith('it is not valid UTF-8'))) {
      throw new NotebookFileError(
        `${abs} is not valid UTF-8 text; it was not overwritten. Use Save as… to keep your edits in a new file.`,
        'not-notebook',
      );
    }
    const doc = opts.keepOutputs?.length ? withFileOutputs(sent, old?.read.doc ?? null, opts.keepOutputs, abs) : sent;
    const convertNow = !!old?.read.convertedFrom && !!opts.convert;
    if (old && !convertNow && docsEqual(doc, old.read.doc)) return this.unchanged(abs, old.bytes, current!.mtimeMs);
    if (old && old.problems.length && !force) {
      throw new NotebookFileError(
        `${abs} is not a valid notebook (${summary(old.problems)}); it was opened read-only and was not overwritten. Use Save as… to keep your edits ` +
          `in a new file.`,
        'read-only',
      );
    }
    if (old?.read.convertedFrom && !convertNow && !force) {
      throw new NotebookFileError(
        `${abs} is in notebook format ${old.read.convertedFrom}; saving converts it to format 4, which needs your consent (the original is kept as a ` +
          `backup). It was not overwritten.`,
        'needs-conversion',
      );
    }
    const saved = serializeForSave(doc, old && !old.read.convertedFrom ? { text: old.text, read: old.read } : undefined);
    const { bytes: out } = saved;
    if (old && sameBytes(old.bytes, out)) return this.unchanged(abs, old.bytes, current!.mtimeMs);
    let backup: string | undefined;
    if (old?.read.convertedFrom && bytes) {
      const b = await backupPath(abs, old!.read.convertedFrom!, bytes);
      try {
        if (!b.exists) await fs.copyFile(abs, b.path, fsc.COPYFILE_EXCL);
      } catch (e) {
        throw new NotebookFileError(
          `could not keep a backup of ${abs} at ${b.path} (${(e as NodeJS.ErrnoException).code ?? 'error'}), so it was not converted`,
          'io',
        );
      }
      backup = b.path;
    }
    try {
      this.lastWritten.set(abs, out);
      const { saveId } = opts;
      await atomicWrite(abs, out, saveId ? { beforeRename: (written) => this.receipts.write(abs, saveId, written) } : {});
    } catch (e) {
      throw new NotebookFileError(`could not save ${abs}: ${(e as Error).message}. Your edits are kept in the app and its crash journal.`, 'io');
    }
    await this.journal.clear(abs);
    await this.addRecent(abs);
    const st = await fs.stat(abs);
    // The next save compares with what was just written, which reads back as `doc` (the round trip is lossless, as
    // the tests check): no re-parse of a big file on the host's thread.
    const version = old && !old.read.convertedFrom ? old.read.version : { major: 4, minor: doc.nbformat_minor };
    const read = { doc, version, convertedFrom: null, problems: [] };
    rememberWritten(read, saved);
    let text: string | undefined;
    this.remember(abs, st, { bytes: out, text: () => (text ??= toText(out)), read, problems: [] });
    return { path: abs, mtimeMs: st.mtimeMs, written: true, ...(backup ? { backupPath: backup } : {}) };
  }

  private remember(abs: string, st: Stats, file: FileRead): void {
    this.known.delete(abs);
    this.known.set(abs, { mtimeMs: st.mtimeMs, size: st.size, file });
    // A few open notebooks at most; the oldest read goes first.
    for (const key of this.known.keys()) if (this.known.size > 4) this.known.delete(key);
  }

  private async unchanged(abs: string, bytes: ByteParts, mtimeMs: number): Promise<{ path: string; mtimeMs: number; written: false }> {
    this.lastWritten.set(abs, bytes);
    await this.journal.clear(abs);
    return { path: abs, mtimeMs, written: false };
  }

  journalWrite(key: string, doc: NotebookDoc, part: JournalPart = 'full'): Promise<void> {
    return this.journal.write(key.startsWith('untitled:') ? key : resolve(key), doc, part);
  }

  discardRecovery(key: string): Promise<void> {
    return this.journal.clear(key.startsWith('untitled:') ? key : resolve(key));
  }

  async recent(): Promise<string[]> {
    await this.recentWrites;
    return this.readRecent();
  }

  private async readRecent(): Promise<string[]> {
    try {
      const list = JSON.parse(await fs.readFile(this.recentFile, 'utf8')) as unknown;
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string' && existsSync(p)) : [];
    } catch {
      return [];
    }
  }

  /**
   * The recent list is written after the notebook is answered, one write at a time, without fsync: under load the
   * fsync took ~200 ms of the open, and losing the newest entry to a power cut costs the user nothing.
   */
  private addRecent(path: string): void {
    this.recentWrites = this.recentWrites.then(async () => {
      const list = [path, ...(await this.readRecent()).filter((p) => p !== path)].slice(0, 20);
      await fs.mkdir(this.dataDir, { recursive: true });
      await atomicWrite(this.recentFile, JSON.stringify(list, null, 1), { durable: false });
    }).catch(() => undefined); // a list that could not be written (full disk) stays as it was
  }

  /** Polls the open file (portable, and immune to editors that replace files by rename). */
  watch(path: string | null): void {
    if (this.watched) unwatchFile(this.watched);
    this.watched = path ? resolve(path) : null;
    if (!this.watched) return;
    const target = this.watched;
    watchFile(target, { interval: 1000 }, (cur, prev) => {
      if (cur.mtimeMs === prev.mtimeMs || cur.mtimeMs === 0) return;
      // The poll can report our own autosave after a newer one already landed; only foreign bytes count (compared
      // as bytes: decoding 50 MB to compare strings held the host's thread for 0.3 s after every autosave).
      const ours = this.lastWritten.get(target);
      if (ours && byteLength(ours) !== cur.size) return this.onChangedOnDisk(target, cur.mtimeMs);
      void fs.readFile(target).then(
        (bytes) => !(ours && sameBytes([bytes], ours)) && this.onChangedOnDisk(target, cur.mtimeMs),
        () => this.onChangedOnDisk(target, cur.mtimeMs),
      );
    });
  }

  dispose(): void {
    this.watch(null);
  }
}
