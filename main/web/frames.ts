// Reads client frames off the WebSocket: whole requests, or requests sent in pieces, each validated.
import { ChunkFrameSchema, ClientFrameSchema } from '../../preload/contract.ts';
import type { z } from 'zod';

/** No single frame may be larger (ws closes the connection with 1009); big requests come in pieces. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** The largest request put back together from pieces (characters of JSON). */
export const MAX_REQUEST_CHARS = 256 * 1024 * 1024;

export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type Read = { kind: 'frame'; frame: ClientFrame } | { kind: 'partial' } | { kind: 'bad'; reason: string };

function parseRequest(text: string): Read {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'bad', reason: 'malformed frame (not JSON)' };
  }
  const frame = ClientFrameSchema.safeParse(json);
  return frame.success ? { kind: 'frame', frame: frame.data } : { kind: 'bad', reason: 'malformed frame' };
}

export class FrameReader {
  private parts: string[] = [];
  private chars = 0;

  /** `text` null: a binary frame, which this protocol never uses. */
  push(text: string | null): Read {
    if (text === null) return { kind: 'bad', reason: 'binary frames are not accepted' };
    if (!text.startsWith('{"chunk"')) return this.parts.length ? { kind: 'bad', reason: 'a request arrived inside another' } : parseRequest(text);
    let piece;
    try {
      piece = ChunkFrameSchema.safeParse(JSON.parse(text));
    } catch {
      return { kind: 'bad', reason: 'malformed chunk (not JSON)' };
    }
    if (!piece.success) return { kind: 'bad', reason: 'malformed chunk' };
    const { seq, last, data } = piece.data.chunk;
    if (seq !== this.parts.length) return { kind: 'bad', reason: `chunk ${seq} out of order` };
    this.chars += data.length;
    if (this.chars > MAX_REQUEST_CHARS) return { kind: 'bad', reason: 'request too large' };
    this.parts.push(data);
    if (!last) return { kind: 'partial' };
    const whole = this.parts.join('');
    this.parts = [];
    this.chars = 0;
    return parseRequest(whole);
  }
}
