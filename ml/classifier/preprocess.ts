// Cell text → token ids exactly as the report did; the trainer receives these ids, so training and inference share one implementation.
export const SEQ_LEN = 120;
export const VOCAB_SIZE = 8000;
export const PAD_ID = 0;
export const OOV_ID = 1;

/** Drops `#` comments while leaving `#` inside string literals alone (a regex alone cannot tell them apart). */
export function stripComments(source: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === '\\') {
        out += ch + (source[i + 1] ?? '');
        i++;
        continue;
      }
      if (source.startsWith(quote, i)) {
        out += quote;
        i += quote.length - 1;
        quote = null;
        continue;
      }
      // A newline ends an unterminated single-quoted string, so one stray quote cannot eat the cell.
      if (ch === '\n' && quote.length === 1) quote = null;
      out += ch;
      continue;
    }
    if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      if (i < source.length) out += '\n';
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = source.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      out += quote;
      i += quote.length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

/** Comments removed, lower-cased, dots and every other non-word character turned into spaces. */
export function tokenize(source: string): string[] {
  return stripComments(source)
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, ' ')
    .split(' ')
    .filter((t) => t.length > 0);
}

export interface Vocabulary {
  /** tokens[i] has id i + 2 (0 is padding, 1 out-of-vocabulary). */
  tokens: string[];
  index: Map<string, number>;
}

export function vocabularyFromTokens(tokens: string[]): Vocabulary {
  return { tokens, index: new Map(tokens.map((t, i) => [t, i + 2])) };
}

/** The most frequent tokens; ties broken alphabetically so the same corpus always gives the same ids. */
export function buildVocabulary(tokenLists: Iterable<string[]>, size = VOCAB_SIZE): Vocabulary {
  const counts = new Map<string, number>();
  for (const list of tokenLists) for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return vocabularyFromTokens(sorted.slice(0, size).map(([t]) => t));
}

/**
 * Keeps the first SEQ_LEN tokens (imports and reads come first) and pads at the end; the model reads the
 * LSTM state at the last real token, so trailing padding can be cut off a batch without changing any output.
 */
export function encodeTokens(tokens: string[], vocab: Vocabulary, seqLen = SEQ_LEN): Int32Array {
  const ids = new Int32Array(seqLen);
  const kept = tokens.slice(0, seqLen);
  for (let i = 0; i < kept.length; i++) ids[i] = vocab.index.get(kept[i]!) ?? OOV_ID;
  return ids;
}

/** Number of real (non-padding) tokens in a padded row. */
export function realLength(ids: Int32Array): number {
  let n = ids.length;
  while (n > 0 && ids[n - 1] === PAD_ID) n--;
  return n;
}

export function encode(source: string, vocab: Vocabulary, seqLen = SEQ_LEN): Int32Array {
  return encodeTokens(tokenize(source), vocab, seqLen);
}

/** Many cells → one row-major [n, seqLen] buffer, the layout both ONNX and the trainer's numpy.fromfile read. */
export function encodeBatch(sources: string[], vocab: Vocabulary, seqLen = SEQ_LEN): Int32Array {
  const out = new Int32Array(sources.length * seqLen);
  sources.forEach((s, i) => out.set(encode(s, vocab, seqLen), i * seqLen));
  return out;
}
