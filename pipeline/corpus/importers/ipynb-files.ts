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
    const ref = `${basename(root)}/${relative(root, file).split('\\').join('/').replace(/\.ipynb$/i, '')}`;
    session.add({ originKey: `file:${file}`, ref, title: basename(ref), language: prepared.language, originPath: file, cells: prepared.cells, apiCalls: prepared.apiCalls });
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

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((res, rej) => yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) => (err ? rej(err) : res(zip))));
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((res, rej) =>
    zip.openReadStream(entry, (err, stream) => {
      if (err) return rej(err);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => res(Buffer.concat(chunks)));
      stream.on('error', rej);
    }),
  );
}

export async function importNotebookZip(path: string, session: ImportSession): Promise<void> {
  const abs = resolve(path);
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(abs);
  } catch (e) {
    session.addBad(abs, `not a readable zip: ${(e as Error).message}`);
    return;
  }
  session.expect(zip.entryCount);
  const zipName = basename(abs).replace(/\.zip$/i, '');
  await new Promise<void>((res, rej) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (name.endsWith('/') || !name.toLowerCase().endsWith('.ipynb') || name.includes('.ipynb_checkpoints/') || name.startsWith('__MACOSX/')) {
        session.expect(-1);
        zip.readEntry();
        return;
      }
      readEntry(zip, entry)
        .then((bytes) => addParsed(session, `zip:${abs}!${name}`, `${zipName}/${name.replace(/\.ipynb$/i, '')}`, `${abs}!${name}`, bytes))
        .catch((e: Error) => session.addBad(`${abs}!${name}`, `unreadable zip entry: ${e.message}`))
        .finally(() => zip.readEntry());
    });
    zip.on('end', () => res());
    zip.on('error', rej);
    zip.readEntry();
  }).catch((e: Error) => session.addBad(abs, `zip error: ${e.message}`));
}
