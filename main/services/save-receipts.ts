// A save whose reply never reached the editor (the service died after the rename) must not read, on the next save,
// as a change by another program: the file then holds the editor's own bytes. Each save leaves a receipt naming the
// save and the file's mtime and size as written; an editor that lists the save as unconfirmed may write over it.
import { createHash } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { atomicWrite } from './atomic-write.ts';

const ReceiptSchema = z.object({ path: z.string(), saveId: z.string(), mtimeMs: z.number(), size: z.number() });
type Receipt = z.infer<typeof ReceiptSchema>;

export class SaveReceipts {
  constructor(private readonly dir: string) {}

  private fileOf(abs: string): string {
    return join(this.dir, `${createHash('sha256').update(abs).digest('hex').slice(0, 32)}.json`);
  }

  /** Written before the rename (the temp file already has the final mtime and size), so no kill falls between. */
  async write(abs: string, saveId: string, written: Stats): Promise<void> {
    const receipt: Receipt = { path: abs, saveId, mtimeMs: written.mtimeMs, size: written.size };
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await atomicWrite(this.fileOf(abs), JSON.stringify(receipt), { durable: false });
  }

  /** True when the file is, unchanged, what one of these saves wrote. A missing or unreadable receipt says no. */
  async wroteIt(abs: string, current: Stats, saveIds: readonly string[]): Promise<boolean> {
    if (!saveIds.length) return false;
    const raw = await fs.readFile(this.fileOf(abs), 'utf8').catch(() => null);
    let parsed: ReturnType<typeof ReceiptSchema.safeParse> | null = null;
    try {
      parsed = raw === null ? null : ReceiptSchema.safeParse(JSON.parse(raw));
    } catch {
      return false; // a torn or foreign file: no proof, so the usual conflict stands
    }
    if (!parsed?.success) return false;
    const r = parsed.data;
    return r.path === abs && saveIds.includes(r.saveId) && r.mtimeMs === current.mtimeMs && r.size === current.size;
  }
}
