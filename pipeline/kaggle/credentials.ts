// Kaggle credentials as the official client finds them: env first, then kaggle.json; KGAT_ tokens go as Bearer.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../../ml/read-json-file.ts';

export type KaggleCredentials = { kind: 'basic'; username: string; key: string } | { kind: 'bearer'; token: string; username?: string };

/** kaggle.json as the official client writes it; other keys (proxy, ...) are its business. */
const KaggleJsonSchema = z.looseObject({ username: z.string().optional(), key: z.string().optional() });

export class MissingCredentialsError extends Error {
  constructor(where: string) {
    super(
      `no Kaggle credentials: set KAGGLE_USERNAME and KAGGLE_KEY, or put {"username": ..., "key": ...} in ${where} ` +
        '(Kaggle → Settings → API → Create Legacy API Key), or set KAGGLE_API_TOKEN',
    );
  }
}

function configDir(env: NodeJS.ProcessEnv, home: string): string {
  if (env.KAGGLE_CONFIG_DIR) return env.KAGGLE_CONFIG_DIR;
  const dotKaggle = join(home, '.kaggle');
  // Since 1.6.15 the client falls back to XDG on Linux when ~/.kaggle is absent.
  if (!existsSync(dotKaggle) && process.platform === 'linux') return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'kaggle');
  return dotKaggle;
}

/** A token value, or the contents of the file it names (KAGGLE_API_TOKEN may hold either). */
function tokenValue(v: string): string {
  return existsSync(v) ? readFileSync(v, 'utf8').trim() : v.trim();
}

export function loadCredentials(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): KaggleCredentials {
  const dir = configDir(env, home);
  let username = env.KAGGLE_USERNAME;
  let key = env.KAGGLE_KEY;
  const file = join(dir, 'kaggle.json');
  if ((!username || !key) && existsSync(file)) {
    const json = readJsonFile(file, KaggleJsonSchema);
    username ||= json.username;
    key ||= json.key;
  }
  // A new-style token pasted as the "key" is rejected by Kaggle as Basic auth; send it as Bearer.
  if (key?.startsWith('KGAT_')) return { kind: 'bearer', token: key, username };
  if (username && key) return { kind: 'basic', username, key };
  if (env.KAGGLE_API_TOKEN) return { kind: 'bearer', token: tokenValue(env.KAGGLE_API_TOKEN), username };
  for (const name of ['access_token', 'access_token.txt']) {
    const p = join(dir, name);
    if (existsSync(p)) return { kind: 'bearer', token: readFileSync(p, 'utf8').trim(), username };
  }
  throw new MissingCredentialsError(file);
}

export function authorizationHeader(c: KaggleCredentials): string {
  return c.kind === 'basic' ? `Basic ${Buffer.from(`${c.username}:${c.key}`).toString('base64')}` : `Bearer ${c.token}`;
}
