// Where the caret was in a cell's draft (the plain textarea typed into before Monaco has loaded), so the editor that
// replaces it puts the caret back there. Kept outside the editor chunk: the draft writes it, the editor reads it once.
const carets = new Map<string, number>();

export function keepDraftCaret(cellId: string, offset: number): void {
  carets.set(cellId, offset);
}

/** The caret offset the draft left for this cell, once; undefined when the cell had no draft. */
export function takeDraftCaret(cellId: string): number | undefined {
  const at = carets.get(cellId);
  carets.delete(cellId);
  return at;
}
