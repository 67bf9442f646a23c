// Imports any folder or .zip of .ipynb files (no Kaggle metadata: the path is the notebook's name).
import { readFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import yauzl from 'yauzl';
import { parseForImport, walkNotebooks } from './notebook-cells.ts';
import { prepareFiles } from './prepare.ts';
import type { ImportSession } from './session.ts';

function addParsed(session: ImportSession, originKey: string, ref: string, originPath: string, bytes: Buffer): void {
  const parsed = parseForImport(bytes);
  if ('error' in parsed) {
    session.addBad(originPath, parsed.error);
    return;
  }
  session.add({ originKey, ref, title: basename(ref), language: parsed.language, originPath, cells: parsed.cells });
}

export async function importNotebookFolder(dir: string, session: ImportSession): Promise<void> {
  const root = resolve(dir);
  const files = walkNotebooks(root);
  session.expect(files.length);
  for await (const [file, prepared] of prepareFiles(files)) {
    if (!prepared.ok) {
      session.addBad(file, prepared.error);
      continue;
    }
    const ref = `${basename(root)}/${relative(root, file)
      .split('\\')
      .join('/')
      .replace(/\.ipynb$/i, '')}`;
    session.add({
      originKey: `file:${file}`,
      ref,
      title: basename(ref),
      language: prepared.language,
      originPath: file,
      cells: prepared.cells,
      apiCalls: prepared.apiCalls,
    });
  }
}

/** Single file import (`gds import x.ipynb`). */
export function importNotebookFile(file: string, session: ImportSession): void {
  const abs = resolve(file);
  session.expect(1);
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    session.addBad(abs, `unreadable: ${(e as Error).message}`);
    return;
  }
  addParsed(session, `file:${abs}`, basename(abs).replace(/\.ipynb$/i, ''), abs, bytes);
}

/**
 * What a zip may decompress to (a zip bomb of 300 KB once took 3 GB of memory): per notebook, per archive, and the
 * compression ratio of any entry over `ratioFloorBytes` (notebooks compress about 3–20:1; a bomb 1000:1).
 */
export interface ZipLimits {
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxRatio: number;
  ratioFloorBytes: number;
}
const MiB = 1024 * 1024;
export const ZIP_LIMITS: ZipLimits = { maxEntryBytes: 100 * MiB, maxTotalBytes: 8 * 1024 * MiB, maxRatio: 200, ratioFloorBytes: 1 * MiB };

const size = (n: number) => (n >= MiB ? `${(n / MiB).toFixed(1)} MB` : `${n} bytes`);

/** Why an entry must not be decompressed, from what it declares; null when it may be. */
function refuseDeclared(entry: yauzl.Entry, totalSoFar: number, limits: ZipLimits): string | null {
  const declared = entry.uncompressedSize;
  if (declared > limits.maxEntryBytes) return `declares ${size(declared)} uncompressed, over the limit of ${size(limits.maxEntryBytes)} per notebook`;
  if (declared > limits.ratioFloorBytes && declared / Math.max(1, entry.compressedSize) > limits.maxRatio) {
    return (
      `declares a compression ratio of ${Math.round(declared / Math.max(1, entry.compressedSize))}:1, over the limit of ${limits.maxRatio}:1 (a zip ` +
      `bomb?)`
    );
  }
  if (totalSoFar + declared > limits.maxTotalBytes) return `would take the archive past ${size(limits.maxTotalBytes)} decompressed`;
  return null;
}

class ZipLimitError extends Error {}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((res, rej) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (err, zip) => (err ? rej(err) : res(zip))),
  );
}

/** Decompresses one entry, counting: it stops the moment the data passes what the header declared, or a limit. */
function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, limits: ZipLimits): Promise<Buffer> {
  const declared = entry.uncompressedSize;
  return new Promise((res, rej) =>
    zip.openReadStream(entry, (err, stream) => {
      if (err) return rej(err);
      const chunks: Buffer[] = [];
      let bytes = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        stream.destroy();
        rej(e);
      };
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes > declared) return fail(new ZipLimitError(`holds more data than the ${size(declared)} its header declares; stopped reading`));
        if (bytes > limits.maxEntryBytes)
          return fail(new ZipLimitError(`decompresses past the limit of ${size(limits.maxEntryBytes)} per notebook; stopped reading`));
        if (bytes > limits.ratioFloorBytes && bytes / Math.max(1, entry.compressedSize) > limits.maxRatio) {
          return fail(new ZipLimitError(`decompresses at more than ${limits.maxRatio}:1 (a zip bomb?); stopped reading`));
        }
        chunks.push(c);
      });
      stream.on('end', () => !failed && res(Buffer.concat(chunks)));
      stream.on('error', (e: Error) => {
        // yauzl checks the declared size too and may notice first.
        fail(
          /too many bytes/i.test(e.message)
            ? new ZipLimitError(`holds more data than the ${size(declared)} its header declares; stopped reading`)
            : e,
        );
      });
    }),
  );
}

/** One notebook entry of a zip: its bytes, or why they were not read (`refused`: over a limit; else unreadable). */
export type ZipNotebook = { name: string; bytes: Buffer } | { name: string; error: string; refused: boolean };

const isNotebookEntry = (name: string) =>
  !name.endsWith('/') && name.toLowerCase().endsWith('.ipynb') && !name.includes('.ipynb_checkpoints/') && !name.startsWith('__MACOSX/');

/**
 * Reads the .ipynb entries of a zip one at a time within `limits`: an entry over a limit by what it declares is never
 * decompressed, one whose data passes what it declared (or a limit) is cut off as it streams. `onCount` hears the
 * number of entries first (for progress), `onSkip` each entry that is not a notebook.
 */
export async function readZipNotebooks(
  path: string,
  onNotebook: (nb: ZipNotebook) => void,
  opts: { limits?: ZipLimits; onCount?: (entries: number) => void; onSkip?: () => void } = {},
): Promise<void> {
  const limits = opts.limits ?? ZIP_LIMITS;
  const zip = await openZip(path);
  opts.onCount?.(zip.entryCount);
  let total = 0;
  await new Promise<void>((res, rej) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (!isNotebookEntry(name)) {
        opts.onSkip?.();
        zip.readEntry();
        return;
      }
      const refused = refuseDeclared(entry, total, limits);
      if (refused) {
        onNotebook({ name, error: `refused zip entry ${name} in ${path}: it ${refused}`, refused: true });
        zip.readEntry();
        return;
      }
      total += entry.uncompressedSize;
      readEntry(zip, entry, limits)
        .then((bytes) => onNotebook({ name, bytes }))
        .catch((e: Error) =>
          onNotebook(
            e instanceof ZipLimitError
              ? { name, error: `refused zip entry ${name} in ${path}: it ${e.message}`, refused: true }
              : { name, error: `unreadable zip entry: ${e.message}`, refused: false },
          ),
        )
        .finally(() => zip.readEntry());
    });
    zip.on('end', () => res());
    zip.on('error', rej);
    zip.readEntry();
  });
}

export async function importNotebookZip(path: string, session: ImportSession, limits: ZipLimits = ZIP_LIMITS): Promise<void> {
  const abs = resolve(path);
  const zipName = basename(abs).replace(/\.zip$/i, '');
  let opened = false;
  await readZipNotebooks(
    abs,
    (nb) => {
      if ('error' in nb) session.addBad(`${abs}!${nb.name}`, nb.error);
      else addParsed(session, `zip:${abs}!${nb.name}`, `${zipName}/${nb.name.replace(/\.ipynb$/i, '')}`, `${abs}!${nb.name}`, nb.bytes);
    },
    {
      limits,
      onCount: (n) => {
        opened = true;
        session.expect(n);
      },
      onSkip: () => session.expect(-1),
    },
  ).catch((e: Error) => session.addBad(abs, opened ? `zip error: ${e.message}` : `not a readable zip: ${e.message}`));
}
