// File contents kept as the chunks they were built from: a 50 MB notebook is never copied into one buffer to be
// written or compared (Buffer.concat of 50 MB held the host's thread for ~0.1 s on every autosave).
export type ByteParts = readonly Buffer[];

export const byteLength = (parts: ByteParts): number => parts.reduce((n, b) => n + b.length, 0);

/** Consecutive small chunks joined, big ones kept as they are: few chunks to write, no big copy. */
export function coalesce(parts: ByteParts, big = 1 << 20): Buffer[] {
  const out: Buffer[] = [];
  let small: Buffer[] = [];
  const flush = () => void (small.length && out.push(small.length === 1 ? small[0]! : Buffer.concat(small)), (small = []));
  for (const b of parts) {
    if (b.length < big) small.push(b);
    else (flush(), out.push(b));
  }
  flush();
  return out;
}

/** Byte-for-byte equality of two chunked contents, however they are chunked; shared chunks are not read. */
export function sameBytes(a: ByteParts, b: ByteParts): boolean {
  if (byteLength(a) !== byteLength(b)) return false;
  let i = 0;
  let j = 0;
  let at = 0;
  let bt = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y && at === 0 && bt === 0) {
      i++, j++;
      continue;
    }
    const n = Math.min(x.length - at, y.length - bt);
    if (n > 0 && x.compare(y, bt, bt + n, at, at + n) !== 0) return false;
    at += n;
    bt += n;
    if (at === x.length) (i++, (at = 0));
    if (bt === y.length) (j++, (bt = 0));
  }
  return true;
}

export const toText = (parts: ByteParts): string => (parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8'));
