// JSON read from disk, validated: a model folder or state file edited by hand, cut short, or written by another version
// fails with the file and the field that is wrong, not with an undefined deep inside a model.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * An object whose entries are not walked: for model tables of millions of entries, where checking each would add
 * seconds to a worker's start; the envelope around them (kind, sizes, names) is checked instead.
 */
export function unwalkedRecord<T extends object>(): z.ZodType<T> {
  return z.custom<T>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object');
}

/** An array whose items are not walked (the same trade as `unwalkedRecord`). */
export function unwalkedArray<T>(): z.ZodType<T[]> {
  return z.custom<T[]>((v) => Array.isArray(v), 'expected an array');
}

/** "path: field.sub[2]: message" for the first few problems zod found. */
export function describeIssues(where: string, error: z.ZodError): string {
  const fields = error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.map(String).join('.') : '(whole value)'}: ${i.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `${where}: ${fields.join('; ')}${more}`;
}

/** Parses `text` as JSON and checks it against `schema`; errors start with `where` (a file, or file:line). */
export function parseJson<S extends z.ZodType>(text: string, schema: S, where: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new Error(describeIssues(where, r.error));
  return r.data;
}

/** Reads and validates a JSON file (a missing file throws the usual ENOENT, which names the path). */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S): z.output<S> {
  return parseJson(readFileSync(path, 'utf8'), schema, path);
}
