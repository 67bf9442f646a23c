// Which notebooks the recommender never trains on: whole datasets (or repositories), drawn by a seeded hash of the
// group's name, so a notebook and its dataset's siblings are always on the same side.
import { createHash } from 'node:crypto';

export const SPLIT_SEED = 'gds-rec-1';
export const HELD_OUT_FRACTION = 0.15;

/** Deterministic dataset-level split: every notebook of a held-out dataset is held out. */
export function isHeldOut(slug: string, seed = SPLIT_SEED, fraction = HELD_OUT_FRACTION): boolean {
  const h = createHash('sha1').update(`${seed}:${slug}`).digest();
  return h.readUInt32BE(0) / 0x100000000 < fraction;
}
