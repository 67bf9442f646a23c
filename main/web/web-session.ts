// The web host's port and token, kept in the data folder (owner-only) so a restarted `gds serve` answers on the same
// address with the same token, and an open tab reconnects and replays its unsaved edits.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { atomicWrite } from '../services/atomic-write.ts';

const SessionSchema = z.object({ port: z.number().int().min(1).max(65535), token: z.string().regex(/^[0-9a-f]{64}$/) });
export type WebSession = z.infer<typeof SessionSchema>;

export function sessionFile(dataDir: string): string {
  return join(dataDir, 'web-session.json');
}

/** The saved session, or null when there is none or it is unreadable (a fresh token is then made). */
export function readWebSession(dataDir: string, log: (line: string) => void): WebSession | null {
  const file = sessionFile(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = SessionSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    log(`${file}: ignored (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  } catch {
    log(`${file}: ignored (not JSON)`);
  }
  return null;
}

export function newToken(): string {
  return randomBytes(32).toString('hex'); // 256 bits
}

export async function writeWebSession(dataDir: string, session: WebSession): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await atomicWrite(sessionFile(dataDir), `${JSON.stringify(session)}\n`); // created 0600
}
